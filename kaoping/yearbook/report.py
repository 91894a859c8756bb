"""The town's year in one report (年度干部综合考评报告), read from each area's selectors in a fixed
number of queries whatever the number of cadres, and laid out once as parts of headed blocks that the
page and the Word document both render (no section has code of its own in either).

Pay is stated per plan only (pool, distributed, members paid, status): every member's amount is their
own business (`VIEW_PAY` is the office's and the Party secretary's, on the plan's page), so the town's
report never names one.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.annual import scores as annual_scores
from kaoping.annual import selectors as annual
from kaoping.annual.publication import KEY as ANNUAL_GRADE
from kaoping.appeals import selectors as appeals
from kaoping.appeals.models import AppealStatus, Stage
from kaoping.core.documents import chinese_date
from kaoping.core.numbers import money
from kaoping.pay import selectors as pay
from kaoping.pay.models import PlanStatus
from kaoping.people.models import Town
from kaoping.quarterly import rules as lagging_rules
from kaoping.quarterly import selectors as quarterly
from kaoping.records import selectors as records
from kaoping.results import selectors as results

QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass
class Block:
    """A heading (optional), lines of text, and a table, or the words said when it has no row."""

    title: str = ""
    lines: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    empty: str = ""


@dataclass
class Part:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    empty: str = ""  # said instead of the blocks when there is none


@dataclass
class Report:
    town: Town
    year: int
    title: str
    as_of: datetime.date
    provisional: bool
    status: str
    parts: list[Part]


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def title_of(town: Town, year: int) -> str:
    """《夏村镇2025年度干部综合考评报告》, without the brackets."""
    return f"{town.name}{year}年度干部综合考评报告"


def build(town: Town, year: int, *, today: datetime.date | None = None) -> Report:
    """The year's report as it stands today."""
    today = today or timezone.localdate()
    settings, _defaults = annual_scores.year_settings(town, year)
    months = results.published_months(town, year)
    pools = annual.overview(town, year, settings)
    graded = any(p.members for p in pools)
    provisional = year >= today.year or len(months) < 12
    if provisional and year < today.year:
        status = _(
            "Provisional: only %(months)d of the year's 12 months are published. Figures as of %(day)s."
        ) % {"months": len(months), "day": chinese_date(today)}
    elif provisional:
        status = _(
            "Provisional: the year is not complete (%(months)d of 12 months published). Figures as of "
            "%(day)s."
        ) % {"months": len(months), "day": chinese_date(today)}
    else:
        status = _("The year's twelve months are published. Figures as of %(day)s.") % {
            "day": chinese_date(today)
        }
    parts = [
        _summary(town, year, months, pools),
        _grades(year, settings, pools, graded),
        _honours(town, year, settings, graded),
        _pay(town, year),
        _lagging(town, year),
        _exemplary(town, year),
        _appeals(town, year),
    ]
    return Report(town, year, title_of(town, year), today, provisional, status, parts)


def _summary(town: Town, year: int, months: list, pools: list[annual.PoolSummary]) -> Part:
    assessed = {row[1] for row in results.published_year_results(town, year)}
    computed = [p for p in pools if p.proposal is not None]
    rows = [
        [_("Months published"), str(len(months))],
        [_("Cadres assessed (with a published month)"), str(len(assessed))],
        [_("Pools graded"), f"{len(computed)} / {len(pools)}"],
        [_("Cadres graded in the pools"), str(sum(p.members for p in pools))],
    ]
    lines = []
    if months:
        lines.append(
            _("Months published: %(months)s.") % {"months": "、".join(f"{m.month}月" for m in months)}
        )
    part = Part("summary", _("The year in figures"))
    if not months and not computed:
        part.empty = _("Nothing is published for %(year)s yet.") % {"year": year}
        return part
    part.blocks.append(Block(lines=lines, headers=[_("Item"), _("Figure")], rows=rows, widths=[3, 1]))
    return part


def _grades(year: int, settings, pools: list[annual.PoolSummary], graded: bool) -> Part:
    part = Part("grades", _("Grades per pool against the 优秀 quota"))
    if not graded:
        part.empty = _("The year's grades are not yet determined (年度尚未评定).")
        return part
    lines = [annual_scores.rules_text(settings)]
    if settings.share_approved and settings.share_approved_at:
        lines.append(
            _("The 优秀 share was raised to %(share)s, approved by the main leader on %(day)s.")
            % {
                "share": _percent(settings.excellent_share),
                "day": chinese_date(timezone.localtime(settings.share_approved_at).date()),
            }
        )
    elif not settings.share_needs_approval:
        lines.append(
            _("No raise of the 优秀 share: %(share)s of each pool.")
            % {"share": _percent(settings.share_in_force)}
        )
    rows = []
    for p in pools:
        if p.proposal is None:
            rows.append([p.label, "—", "—", "—", "—", "—", "—", _("Not computed"), str(p.ungraded)])
            continue
        rows.append(
            [
                p.label,
                str(p.proposal.pool_size),
                *[str(c) for c in p.counts],
                str(p.proposal.quota),
                _percent(p.proposal.share) + (" " + _("(out of date)") if p.stale else ""),
                str(p.ungraded),
            ]
        )
    part.blocks.append(
        Block(
            lines=lines,
            headers=[
                _("Pool"),
                _("Graded"),
                "优秀",
                "称职/合格",
                "基本称职/\n基本合格",  # a line break in the document's narrow column
                "不称职/\n不合格",
                _("优秀 quota"),
                _("优秀 share"),
                _("Not determined"),
            ],
            rows=rows,
            widths=[21, 16, 11, 21, 19.5, 16, 16, 16, 19.5],  # millimetres of the 156 mm type area
        )
    )
    return part


def _honour_rows(honours: list[annual.Honour]) -> list[list[str]]:
    return [
        [
            h.cadre.name,
            annual_scores.pool_label(h.result.pool),
            str(h.cadre.workplace or "—"),
            "—" if h.result.score is None else f"{h.result.score:.2f}",
            _("Three consecutive years 优秀 (%(years)s): third-class merit (三等功) eligible")
            % {"years": "、".join(map(str, h.merit_years))}
            if h.merit_years
            else "",
        ]
        for h in honours
    ]


def _honours(town: Town, year: int, settings, graded: bool) -> Part:
    part = Part("honours", _("Honours"))
    if not graded:
        part.empty = _("The year's grades are not yet determined (年度尚未评定): no honour yet.")
        return part
    found = annual.honours(town, year, settings)
    headers = [_("Name"), _("Pool"), _("Department or village"), _("Annual score"), _("Three years 优秀")]
    widths = [1.6, 2.6, 2.4, 1.4, 4]

    def places(n: int | None) -> str:
        return _("Places: %(n)s.") % {"n": n} if n is not None else _("Places: every 优秀 of the pools.")

    part.blocks.append(
        Block(
            _("Excellent agency cadres"),
            [places(found.agency_places)],
            headers,
            _honour_rows(found.agency),
            widths,
            _("No excellent agency cadre."),
        )
    )
    part.blocks.append(
        Block(
            _("Excellent village heads"),
            [places(found.head_places)],
            headers,
            _honour_rows(found.heads),
            widths,
            _("No excellent village head."),
        )
    )
    part.blocks.append(
        Block(
            _("Advanced village collectives"),
            [_("Places: %(n)s.") % {"n": found.collective_places}, found.collective_text],
            [_("Village"), _("Score"), _("Rank"), _("Cadres counted")],
            [
                [
                    c.village.name,
                    "—" if c.score is None else f"{c.score:.2f}",
                    str(c.rank or "—"),
                    str(c.cadres),
                ]
                for c in found.collectives
                if c.honoured
            ],
            [3, 1.5, 1, 1.5],
            _("No advanced village collective."),
        )
    )
    return part


def _pay(town: Town, year: int) -> Part:
    part = Part("pay", _("Pay tied to the annual results"))
    totals = pay.year_totals(town, year)
    if not any(t.plan.pk for t in totals):
        part.empty = _("No pay plan is set up for %(year)s yet.") % {"year": year}
        return part
    rows = []
    for t in totals:
        if not t.plan.pk:
            rows.append([t.plan.get_kind_display(), "—", "—", "—", "—", _("Not set up")])
            continue
        status = t.plan.get_status_display()
        if t.plan.status == PlanStatus.APPROVED:
            status = _("Approved (frozen)")
        elif not t.plan.computed:
            status = _("%(status)s, not computed") % {"status": status}
        rows.append(
            [
                t.plan.get_kind_display(),
                money(t.plan.pool),
                money(t.distributed) if t.plan.computed else "—",
                str(t.paid) if t.plan.computed else "—",
                str(t.unpaid) if t.plan.computed else "—",
                status,
            ]
        )
    part.blocks.append(
        Block(
            lines=[
                _(
                    "Totals per plan only: each member's amount is their own business and is read on the "
                    "plan's page by the assessment office and the Party secretary, and by each member for "
                    "themselves."
                )
            ],
            headers=[
                _("Plan"),
                _("Pool (yuan)"),
                _("Distributed (yuan)"),
                _("Members paid"),
                _("Not paid"),
                _("Status"),
            ],
            rows=rows,
            widths=[4.5, 2, 2, 1.4, 1.2, 2.2],
        )
    )
    return part


def _lagging(town: Town, year: int) -> Part:
    part = Part("lagging", _("Lagging lists and statements by quarter"))
    quarters = quarterly.year_lagging(town, year)
    if not any(q.meeting for q in quarters):
        part.empty = _("No quarterly meeting recorded for %(year)s yet.") % {"year": year}
        return part
    names = quarterly.cadre_names(
        lagging_rules.cadres_named([], [e.basis for q in quarters for e in q.entries])
    )
    for q in quarters:
        block = Block(
            title=QUARTERS[q.quarter],
            headers=[_("Name"), _("Population"), _("Why listed"), _("Statement")],
            widths=[1.4, 2.4, 5.5, 2.8],
        )
        if q.meeting is None:
            block.empty = _("No quarterly meeting recorded.")
        elif not q.final:
            block.lines.append(q.meeting.title)
            block.empty = _("The lagging list is not final yet.")
        else:
            block.lines.append(q.meeting.title)
            block.empty = _("Nobody was listed.")
            for entry in q.entries:
                statement = getattr(entry, "statement", None)
                reasons = [lagging_rules.short(entry.rule) if entry.rule else _("Added by the office")]
                reasons += [lagging_rules.line_text(line, names) for line in entry.basis]
                if entry.reason:
                    reasons.append(entry.reason)
                if entry.exempt:
                    reasons.append(_("Exempted: %(reason)s") % {"reason": entry.exempt_reason})
                if statement is not None:
                    said = _("Made on %(day)s") % {"day": f"{statement.made_on:%Y-%m-%d}"}
                else:
                    said = _("Exempted") if entry.exempt else _("Not made yet")
                block.rows.append([entry.cadre.name, entry.cadre.group_label, "；".join(reasons), said])
        part.blocks.append(block)
    return part


def _exemplary(town: Town, year: int) -> Part:
    part = Part("exemplary", _("Exemplary cases (典型)"))
    cases = records.exemplary_cases(town, year)
    if not cases:
        part.empty = _("No exemplary case marked in %(year)s.") % {"year": year}
        return part
    part.blocks.append(
        Block(
            lines=[_("%(count)d exemplary cases marked by the meetings.") % {"count": len(cases)}],
            headers=[_("Month"), _("Name"), _("Citation"), _("Meeting date")],
            rows=[
                [
                    f"{d.record.month:%Y-%m}",
                    d.record.cadre.name,
                    d.citation,
                    f"{d.decided_on:%Y-%m-%d}",
                ]
                for d in cases
            ],
            widths=[1.3, 1.4, 7, 1.8],
        )
    )
    return part


def _appeals(town: Town, year: int) -> Part:
    """The year's objections and reviews: those about its monthly results, counted by the year they were
    raised in, and those about its annual grades, raised in the next year's publication (two queries)."""
    part = Part("appeals", _("Objections and reviews"))
    graded = set(annual.year_result_ids(town, year))
    everything = appeals.office_list(town)
    monthly = [
        a for a in everything if a.kind != ANNUAL_GRADE and timezone.localtime(a.raised_at).year == year
    ]
    grades = [a for a in everything if a.kind == ANNUAL_GRADE and a.subject_id in graded]
    if not monthly and not grades:
        part.empty = _("No objection or review about %(year)s.") % {"year": year}
        return part
    rows = []
    for about, raised in ((_("Monthly results"), monthly), (_("Annual grades"), grades)):
        for stage, changed, kept in (
            (Stage.OBJECTION, AppealStatus.UPHELD, AppealStatus.REJECTED),
            (Stage.REVIEW, AppealStatus.IMPROVED, AppealStatus.KEPT),
        ):
            mine = [a for a in raised if a.stage == stage]
            rows.append(
                [
                    f"{about} · {stage.label}",
                    str(len(mine)),
                    str(sum(1 for a in mine if a.status == changed)),
                    str(sum(1 for a in mine if a.status == kept)),
                    str(sum(1 for a in mine if a.status == AppealStatus.OPEN)),
                ]
            )
    part.blocks.append(
        Block(
            lines=[
                _(
                    "Monthly results: counted by the year they were raised in. Annual grades: those of "
                    "%(year)s, raised during their publication and review windows."
                )
                % {"year": year}
            ],
            headers=[
                _("About · stage"),
                _("Raised"),
                _("Changed the result"),
                _("Result kept"),
                _("Waiting for an answer"),
            ],
            rows=rows,
            widths=[2.6, 1, 1.6, 1.6, 1.8],
        )
    )
    return part


# The parts' order and keys, for the page's table of contents and the tests.
PART_KEYS = ["summary", "grades", "honours", "pay", "lagging", "exemplary", "appeals"]

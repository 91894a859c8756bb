"""The dossier's year at a glance (年度概览): for each year of the cadre's history, the months published
with the mean total and the rank range (best, worst, mean), the quarters' democratic evaluation, the
lagging-list appearances, the annual grade and honour, the pay of approved plans and the objections and
reviews. Read through the selectors of each area in a fixed number of queries whatever the years.

Pay is shown to the cadre themselves (`own_pay_allowed`) and to those who read every amount
(`VIEW_PAY`: the assessment office, the Party secretary); any other reader of the dossier (the
Party-building office) sees the column left out, not a blank.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.permissions import Action, can, own_pay_allowed
from kaoping.annual import selectors as annual
from kaoping.appeals import selectors as appeals
from kaoping.appeals.models import AppealStatus, Stage
from kaoping.core.numbers import money
from kaoping.evaluation.models import RoundStatus, TargetResult
from kaoping.pay import selectors as pay
from kaoping.people.models import Cadre
from kaoping.quarterly import selectors as quarterly
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import PeriodStatus

from .sections import Section, Table, Viewer, register

TWO = Decimal("0.01")


@dataclass
class YearRow:
    year: int
    months: int = 0
    mean_total: Decimal | None = None
    best: int | None = None
    worst: int | None = None
    mean_rank: Decimal | None = None
    democratic: list[str] = field(default_factory=list)  # "Q1 92.30"
    lagging: list[str] = field(default_factory=list)  # "Q2 (statement made)"
    grade: str = ""
    honour: list[str] = field(default_factory=list)
    pay: list[str] = field(default_factory=list)  # "Bonus of …：1,234.56" (core.numbers.money)
    appeals: str = ""

    @property
    def ranks(self) -> str:
        if self.best is None:
            return "—"
        return _("best %(best)d, worst %(worst)d, mean %(mean)s") % {
            "best": self.best,
            "worst": self.worst,
            "mean": self.mean_rank,
        }


@dataclass
class Years:
    rows: list[YearRow]  # newest first
    pay_shown: bool


def pay_shown(cadre: Cadre, viewer: Viewer | None) -> bool:
    if viewer is None:
        return False
    return own_pay_allowed(viewer.user, viewer.town, cadre.pk) or can(
        viewer.user, Action.VIEW_PAY, viewer.town
    )


def load_years(cadre: Cadre, viewer: Viewer | None) -> Years:
    """Six to eleven queries, never more with more years: the published months' totals and ranks, the
    closed rounds' scores, the lagging-list appearances, the annual years and honours, the pay of
    approved plans (for whom it is shown) and the objections and reviews."""
    rows: dict[int, YearRow] = {}

    def row(year: int) -> YearRow:
        return rows.setdefault(year, YearRow(year))

    months: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for month, total, rank in (
        MonthlyResult.objects.filter(cadre=cadre, period__status=PeriodStatus.PUBLISHED)
        .order_by("period__month")
        .values_list("period__month", "total", "rank")
    ):
        months[month.year].append((total, rank))
    for year, found in months.items():
        r = row(year)
        r.months = len(found)
        r.mean_total = (sum((t for t, _rank in found), Decimal(0)) / len(found)).quantize(TWO)
        ranks = [rank for _t, rank in found]
        r.best, r.worst = min(ranks), max(ranks)
        r.mean_rank = (Decimal(sum(ranks)) / len(ranks)).quantize(Decimal("0.1"))

    for year, quarter, score in (
        TargetResult.objects.filter(cadre=cadre, round__status=RoundStatus.CLOSED)
        .order_by("round__year", "round__quarter")
        .values_list("round__year", "round__quarter", "score")
    ):
        row(year).democratic.append(f"Q{quarter} {'—' if score is None else f'{score:.2f}'}")

    for appearance in reversed(quarterly.appearances_for_cadres([cadre.pk]).get(cadre.pk, [])):
        meeting, entry = appearance.meeting, appearance.entry
        if entry.exempt:
            note = _("exempted")
        elif appearance.statement is not None:
            note = _("statement made")
        else:
            note = _("no statement yet")
        row(meeting.year).lagging.append(f"Q{meeting.quarter}（{note}）")

    honours = annual.cadre_honours(cadre)
    for y in annual.cadre_years(cadre):
        r = row(y.year)
        grade = y.result.grade or _("No grade")
        if y.result.score is not None:
            grade = _("%(grade)s (%(score)s, rank %(rank)s in the pool)") % {
                "grade": grade,
                "score": f"{y.result.score:.2f}",
                "rank": y.result.rank or "—",
            }
        r.grade = grade
        if y.year in honours:
            r.honour.append(honours[y.year])
        if y.merit_years:
            r.honour.append(
                _("Three consecutive years 优秀 (%(years)s)") % {"years": "、".join(map(str, y.merit_years))}
            )

    shown = pay_shown(cadre, viewer)
    if shown:
        for line in pay.own_pay(cadre):
            amount = _("not paid") if line.unpaid else money(line.amount)
            row(line.plan.year).pay.append(f"{line.plan.get_kind_display()}：{amount}")

    raised: dict[int, list] = defaultdict(list)
    for a in appeals.history(cadre):
        raised[timezone.localtime(a.raised_at).year].append(a)
    for year, found in raised.items():
        row(year).appeals = _(
            "%(objections)d objections, %(reviews)d reviews; %(changed)d changed the result"
        ) % {
            "objections": sum(1 for a in found if a.stage == Stage.OBJECTION),
            "reviews": sum(1 for a in found if a.stage == Stage.REVIEW),
            "changed": sum(1 for a in found if a.status in (AppealStatus.UPHELD, AppealStatus.IMPROVED)),
        }
    return Years(sorted(rows.values(), key=lambda r: -r.year), shown)


def table_years(years: Years) -> Table:
    headers = [
        _("Year"),
        _("Months published"),
        _("Mean total"),
        _("Rank"),
        _("Democratic evaluation"),
        _("Lagging list"),
        _("Annual grade"),
        _("Honour"),
    ]
    widths = [1.4, 1.3, 1.6, 2.2, 2.0, 1.6, 2.2, 1.8]
    if years.pay_shown:
        headers.append(_("Pay (yuan)"))
        widths.append(2.2)
    headers.append(_("Objections and reviews"))
    widths.append(1.6)
    rows = []
    for r in years.rows:
        cells = [
            str(r.year),
            str(r.months),
            "—" if r.mean_total is None else f"{r.mean_total:.2f}",
            r.ranks,
            "；".join(r.democratic) or "—",
            "；".join(r.lagging) or _("not listed"),
            r.grade or _("not yet graded"),
            "；".join(r.honour) or "—",
        ]
        if years.pay_shown:
            cells.append("；".join(r.pay) or "—")
        cells.append(r.appeals or _("none"))
        rows.append(cells)
    return Table(headers=headers, rows=rows, widths=widths)


register(
    Section(
        key="years",
        title=gettext_lazy("Year at a glance"),
        order=15,
        load=load_years,
        template="dossier/sections/years.html",
        table=table_years,
        empty=gettext_lazy("No year of history yet."),
        for_viewer=True,
    )
)

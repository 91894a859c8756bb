"""The built-in sections of the dossier. Each loader reads one cadre's whole history in a fixed
number of queries (noted on each), whatever the number of years.

Monthly results are those of **published** months only: the dossier is the record as the town made it
public, the same for every reader (a month still being scored is not part of anyone's file).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kaoping.evaluation.models import Grade, RoundStatus, TargetResult
from kaoping.indicators.models import AdjustmentKind
from kaoping.people.models import Cadre, Posting
from kaoping.reports import charts
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import AdjustmentShare, AdjustmentStatus, PeriodStatus
from kaoping.supervision.models import Item, ItemOwner, ItemStatus

from .sections import Section, Table, register


def _d(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


# --- Positions held (任职经历) ----------------------------------------------------------------------


def load_postings(cadre: Cadre) -> list[Posting]:
    """One query."""
    return list(
        Posting.objects.filter(cadre=cadre).select_related("department", "village").order_by("-starts_on")
    )


def table_postings(postings: list[Posting]) -> Table:
    return Table(
        headers=[_("From"), _("Until"), _("Population"), _("Department or village"), _("Position")],
        rows=[
            [
                _day(p.starts_on),
                _day(p.ends_on) or _("in post"),
                p.group_label,
                str(p.workplace or "—"),
                " · ".join(
                    filter(
                        None,
                        [
                            p.position,
                            _("Village head") if p.is_village_head else "",
                            _("Middle-level cadre") if p.is_middle_level else "",
                        ],
                    )
                )
                or "—",
            ]
            for p in postings
        ],
        widths=[2.5, 2.5, 3, 3, 3.5],
    )


# --- Monthly totals and ranks (月度考核) -------------------------------------------------------------


@dataclass
class MonthRow:
    month: str
    scheme: str
    performance: Decimal
    bonus: Decimal
    deduction: Decimal
    democratic: Decimal | None
    total: Decimal
    rank: int
    of: int
    group_rank: int | None


@dataclass
class Results:
    rows: list[MonthRow]  # newest first
    chart: SafeString | str
    mean_total: Decimal | None
    best_rank: int | None


def load_results(cadre: Cadre) -> Results:
    """Two queries: the cadre's rows of published months, and the size of each ranking they sit in."""
    rows = list(
        MonthlyResult.objects.filter(cadre=cadre, period__status=PeriodStatus.PUBLISHED)
        .select_related("period", "scheme")
        .order_by("period__month")
    )
    sizes = {
        (r["period_id"], r["scheme_id"]): r["n"]
        for r in MonthlyResult.objects.filter(
            period_id__in={r.period_id for r in rows}, scheme_id__in={r.scheme_id for r in rows}
        )
        .values("period_id", "scheme_id")
        .annotate(n=Count("pk"))
    }
    months = [
        MonthRow(
            month=f"{r.period.month:%Y-%m}",
            scheme=r.scheme.name,
            performance=r.performance,
            bonus=r.bonus,
            deduction=r.deduction,
            democratic=r.democratic,
            total=r.total,
            rank=r.rank,
            of=sizes.get((r.period_id, r.scheme_id), 0),
            group_rank=r.group_rank,
        )
        for r in rows
    ]
    chart: SafeString | str = ""
    if len(months) > 1:
        # Years of months: every month is a point, each January (or the first month) a labelled tick.
        labels = [m.month for m in months]
        major = [m.month for i, m in enumerate(months) if i == 0 or m.month.endswith("-01")]
        chart = charts.rank_trend(
            labels,
            [m.rank for m in months],
            title=_("Rank month by month"),
            width=960,
            dots_size=3 if len(months) > 24 else 4,
            x_labels_major=major,
            show_minor_x_labels=False,
            truncate_label=-1,
        )
    return Results(
        rows=months[::-1],
        chart=chart,
        mean_total=(sum((m.total for m in months), Decimal(0)) / len(months)).quantize(Decimal("0.01"))
        if months
        else None,
        best_rank=min((m.rank for m in months), default=None),
    )


def table_results(results: Results) -> Table:
    summary = ""
    if results.rows:
        summary = _("%(months)d published months; mean total %(mean)s; best rank %(best)d.") % {
            "months": len(results.rows),
            "mean": results.mean_total,
            "best": results.best_rank,
        }
    return Table(
        headers=[
            _("Month"),
            _("Performance"),
            _("Bonus"),
            _("Deduction"),
            _("Democratic"),
            _("Total"),
            _("Rank"),
        ],
        rows=[
            [
                m.month,
                _d(m.performance),
                _d(m.bonus),
                _d(m.deduction),
                _d(m.democratic),
                _d(m.total),
                f"{m.rank}/{m.of}" if m.of >= m.rank else str(m.rank),  # "of" unknown for partial data
            ]
            for m in results.rows
        ],
        summary=summary,
    )


# --- Democratic evaluation per quarter (民主测评) ---------------------------------------------------


@dataclass
class QuarterRow:
    quarter: str
    score: Decimal | None
    grades: list[tuple[str, int]]  # (grade label, votes), in the scale's order


def load_democratic(cadre: Cadre) -> list[QuarterRow]:
    """One query: the cadre's results of closed rounds."""
    results = (
        TargetResult.objects.filter(cadre=cadre, round__status=RoundStatus.CLOSED)
        .select_related("round")
        .order_by("-round__year", "-round__quarter")
    )
    return [
        QuarterRow(
            quarter=f"{r.round.year}Q{r.round.quarter}",
            score=r.score,
            grades=[
                (str(g.label), int(r.distribution.get(g.value, 0)))
                for g in Grade
                if g.value in r.distribution
            ],
        )
        for r in results
    ]


def table_democratic(rows: list[QuarterRow]) -> Table:
    return Table(
        headers=[_("Quarter"), _("Democratic score"), _("Votes by grade")],
        rows=[
            [r.quarter, _d(r.score), "，".join(f"{label} {count}" for label, count in r.grades) or "—"]
            for r in rows
        ],
        widths=[2, 2, 8],
    )


# --- Bonuses and deductions (加减分) ---------------------------------------------------------------


@dataclass
class AdjustmentRow:
    month: str
    kind: str
    is_bonus: bool
    reason: str
    title: str
    points: Decimal


def load_adjustments(cadre: Cadre) -> list[AdjustmentRow]:
    """One query: the cadre's shares of approved bonuses and deductions."""
    shares = (
        AdjustmentShare.objects.filter(cadre=cadre, adjustment__status=AdjustmentStatus.APPROVED)
        .select_related("adjustment__reason", "adjustment__period")
        .order_by("-adjustment__period__month", "-adjustment_id")
    )
    return [
        AdjustmentRow(
            month=f"{s.adjustment.period.month:%Y-%m}",
            kind=s.adjustment.get_kind_display(),
            is_bonus=s.adjustment.kind == AdjustmentKind.BONUS,
            reason=s.adjustment.reason.name,
            title=s.adjustment.title,
            points=s.points,
        )
        for s in shares
    ]


def table_adjustments(rows: list[AdjustmentRow]) -> Table:
    bonus = sum((r.points for r in rows if r.is_bonus), Decimal(0))
    deduction = sum((r.points for r in rows if not r.is_bonus), Decimal(0))
    return Table(
        headers=[_("Month"), _("Kind"), _("Reason"), _("What happened"), _("Points")],
        rows=[
            [r.month, r.kind, r.reason, r.title, ("+" if r.is_bonus else "−") + _d(r.points)] for r in rows
        ],
        summary=_("Bonuses %(bonus)s points in all, deductions %(deduction)s points in all.")
        % {"bonus": _d(bonus), "deduction": _d(deduction)}
        if rows
        else "",
        widths=[1.8, 1.4, 2.4, 6, 1.8],
    )


# --- Supervision items (督查督办) ------------------------------------------------------------------


@dataclass
class ItemRow:
    title: str
    role: str
    assigned_on: str
    deadline: str
    status: str
    closed: bool
    on_time: bool | None
    quality: str
    send_backs: int


def load_items(cadre: Cadre) -> list[ItemRow]:
    """One query: the items the cadre owns or co-owns, or that the department they head owns."""
    role = ItemOwner.objects.filter(item=OuterRef("pk"), cadre=cadre).values("role")[:1]
    items = Item.objects.owned_by(cadre).annotate(my_role=Subquery(role)).order_by("-assigned_on", "-pk")
    labels = dict(ItemOwner._meta.get_field("role").choices)
    return [
        ItemRow(
            title=i.title,
            role=str(labels.get(i.my_role, _("Head of the owning department"))),
            assigned_on=_day(i.assigned_on),
            deadline=_day(i.deadline),
            status=i.get_status_display(),
            closed=i.status in (ItemStatus.VERIFIED, ItemStatus.CLOSED),
            on_time=i.on_time,
            quality=i.get_quality_display() if i.quality else "",
            send_backs=i.send_backs,
        )
        for i in items
    ]


def table_items(rows: list[ItemRow]) -> Table:
    done = [r for r in rows if r.closed]
    backs = sum(r.send_backs for r in rows)
    summary = (
        _("%(items)s; %(done)d verified, %(on_time)d of them on time; %(backs)s.")
        % {
            "items": ngettext("%(count)d item", "%(count)d items", len(rows)) % {"count": len(rows)},
            "done": len(done),
            "on_time": sum(1 for r in done if r.on_time),
            "backs": ngettext("%(count)d send-back", "%(count)d send-backs", backs) % {"count": backs},
        }
        if rows
        else ""
    )

    def on_time(r: ItemRow) -> str:
        return "" if r.on_time is None else (_("on time") if r.on_time else _("late"))

    return Table(
        headers=[_("Item"), _("Role"), _("Assigned on"), _("Deadline"), _("Status"), _("Handling")],
        rows=[
            [
                r.title,
                r.role,
                r.assigned_on,
                r.deadline,
                r.status,
                "，".join(
                    filter(
                        None,
                        [
                            on_time(r),
                            r.quality,
                            _("sent back %(n)d×") % {"n": r.send_backs} if r.send_backs else "",
                        ],
                    )
                )
                or "—",
            ]
            for r in rows
        ],
        summary=summary,
        widths=[4, 1.6, 2.5, 2.5, 1.6, 3],
    )


register(
    Section(
        key="postings",
        title=gettext_lazy("Positions held"),
        order=10,
        load=load_postings,
        table=table_postings,
        empty=gettext_lazy("No posting recorded."),
    )
)
register(
    Section(
        key="results",
        title=gettext_lazy("Monthly totals and ranks"),
        order=20,
        load=load_results,
        template="dossier/sections/results.html",
        table=table_results,
        empty=gettext_lazy("No published month yet."),
    )
)
register(
    Section(
        key="democratic",
        title=gettext_lazy("Democratic evaluation by quarter"),
        order=30,
        load=load_democratic,
        table=table_democratic,
        empty=gettext_lazy("No closed evaluation round."),
    )
)
register(
    Section(
        key="adjustments",
        title=gettext_lazy("Bonuses and deductions"),
        order=40,
        load=load_adjustments,
        table=table_adjustments,
        empty=gettext_lazy("No approved bonus or deduction."),
    )
)
register(
    Section(
        key="supervision",
        title=gettext_lazy("Supervision items and their handling"),
        order=50,
        load=load_items,
        table=table_items,
        empty=gettext_lazy("No supervision item."),
    )
)

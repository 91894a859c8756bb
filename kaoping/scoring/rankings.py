"""Rankings over a month, a quarter or the year to date, read from the stored monthly results.

A month's ranks are stored with its results. A quarter or the year to date ranks cadres by the
mean of their monthly totals over the months in the span (months not yet computed are left out),
with the same competition ranking (1, 1, 3); the mean is rounded half-up to 2 places first, so
that equal displayed scores share a rank.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from kaoping.people.models import Cadre, Population

from .models import MonthlyResult, Period, PeriodStatus
from .results import VILLAGE_HEADS


class Span:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = (MONTH, QUARTER, YEAR)


def span_months(month: date, span: str) -> list[date]:
    """The months a span ending with `month` covers: itself, its quarter so far, or the year so far."""
    if span == Span.QUARTER:
        first = (month.month - 1) // 3 * 3 + 1
    elif span == Span.YEAR:
        first = 1
    else:
        first = month.month
    return [date(month.year, m, 1) for m in range(first, month.month + 1)]


@dataclass
class Row:
    cadre: Cadre
    score: Decimal
    rank: int
    months: int
    result: MonthlyResult | None = None  # the month's stored result, for a one-month span


def _pool_filter(pool: str) -> Q:
    if pool == VILLAGE_HEADS:
        return Q(group=VILLAGE_HEADS)
    return Q(group=pool) if pool else Q()


def ranking(
    *, period: Period, population: str, pool: str = "", span: str = Span.MONTH, published_only: bool = False
) -> list[Row]:
    """The ranked rows of one population (or one pool of it) for the span ending with `period`."""
    results = MonthlyResult.objects.filter(period__town=period.town, scheme__population=population).filter(
        _pool_filter(pool)
    )
    if published_only:
        results = results.filter(period__status=PeriodStatus.PUBLISHED)
    if span == Span.MONTH:
        # The breakdowns (some 13 KB of JSON a cadre) are for the breakdown page, not the table.
        rows = (
            results.filter(period=period)
            .select_related("cadre__department", "cadre__village")
            .defer("breakdown")
        )
        rank_field = "group_rank" if pool else "rank"
        return sorted(
            (Row(r.cadre, r.total, getattr(r, rank_field) or 0, 1, r) for r in rows),
            key=lambda row: (row.rank, row.cadre.name),
        )
    months = span_months(period.month, span)
    aggregates = (
        results.filter(period__month__in=months)
        .values("cadre_id")
        .annotate(mean=Avg("total"), months=Count("id"))
    )
    means = {
        a["cadre_id"]: (Decimal(a["mean"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), a["months"])
        for a in aggregates
    }
    cadres = Cadre.objects.filter(pk__in=means).select_related("department", "village").in_bulk()
    ordered = sorted(means.items(), key=lambda item: (-item[1][0], cadres[item[0]].name))
    rows, previous, current = [], None, 0
    for position, (cadre_id, (mean, count)) in enumerate(ordered, start=1):
        if mean != previous:
            current, previous = position, mean
        rows.append(Row(cadres[cadre_id], mean, current, count))
    return rows


def pools_of(population: str) -> list[tuple[str, str]]:
    """The pools a population is also ranked in: agency categories, or the village heads."""
    from django.utils.translation import gettext as _

    from kaoping.people.models import AgencyCategory

    if population == Population.AGENCY:
        return list(AgencyCategory.choices)
    if population == Population.VILLAGE:
        return [(VILLAGE_HEADS, _("Village heads"))]
    return []


def rank_trend(cadre: Cadre, *, published_only: bool) -> list[MonthlyResult]:
    """A cadre's stored results month by month, oldest first, for the trend of their rank."""
    results = MonthlyResult.objects.filter(cadre=cadre).select_related("period").defer("breakdown")
    if published_only:
        results = results.filter(period__status=PeriodStatus.PUBLISHED)
    return list(results.order_by("period__month"))

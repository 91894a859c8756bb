"""Rankings over a month, a quarter or the year to date, read from the stored monthly results.

Every span is ranked by the one function `ranking.rank`: standard competition ranking (1, 1, 3) after
the scheme's tie-break chain. A month's ranks are stored with its results (made by that function when
the month was computed) and shown as stored. A quarter or the year to date ranks cadres by the mean of
their monthly totals over the months in the span (months not yet computed, or not yet published for
those who see published results only, are left out), and each tie-break by the mean of its monthly
value over the same months (`ranking.span_standing`); every mean is rounded half-up to 2 places from
its exact value, so that equal displayed scores share a rank. Where two equal totals were separated,
the row says which criterion decided and the two values it compared.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from kaoping.core.months import quarter_to_date, year_to_date
from kaoping.indicators.models import Scheme, TieBreak
from kaoping.people.models import Cadre, Population

from . import ranking as rules
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
        return quarter_to_date(month)
    if span == Span.YEAR:
        return year_to_date(month)
    return [month]


@dataclass
class Row:
    cadre: Cadre
    score: Decimal
    rank: int
    months: int
    result: MonthlyResult | None = None  # the month's stored result, for a one-month span
    decided_by: rules.Decision | None = None  # what separated this row from an equal total above
    above: Cadre | None = None  # the cadre of that equal total

    @property
    def decided_by_text(self) -> str:
        """ "Equal to 张三; higher performance score: 85.00 > 80.00", or "" where nothing was decided."""
        if self.decided_by is None or self.above is None:
            return ""
        return decision_text(self.decided_by, self.above.name)


def _value_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def decision_text(decision: rules.Decision, above: str) -> str:
    """A decision in words, for the page and the export."""
    criterion = (
        TieBreak(decision.criterion).label if decision.criterion in TieBreak.values else decision.criterion
    )
    return _("Same score as %(name)s; by “%(criterion)s”: %(above)s %(sign)s %(mine)s") % {
        "name": above,
        "criterion": criterion,
        "above": _value_text(decision.above),
        "sign": decision.sign,
        "mine": _value_text(decision.mine),
    }


def tie_breaks_of(period: Period, population: str) -> list[str]:
    """The tie-break chain of the population's scheme in the period's year (empty without a scheme)."""
    chain = (
        Scheme.objects.filter(town=period.town, year=period.month.year, population=population)
        .values_list("tie_breaks", flat=True)
        .first()
    )
    return [t for t in chain or [] if t in rules.HIGHER_IS_BETTER]


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
    chain = tie_breaks_of(period, population)
    if span == Span.MONTH:
        return _month(results.filter(period=period), pool, chain)
    by_cadre: dict[int, list[rules.Month]] = defaultdict(list)
    fields = ("cadre_id", "total", "performance", "bonus", "deduction", "democratic")
    for cadre_id, *values in results.filter(period__month__in=span_months(period.month, span)).values_list(
        *fields
    ):
        by_cadre[cadre_id].append(rules.Month(*values))
    cadres = Cadre.objects.filter(pk__in=by_cadre).select_related("department", "village").in_bulk()
    standings = {key: rules.span_standing(key, months) for key, months in by_cadre.items()}
    rows = []
    for placed in rules.rank(standings.values(), chain):
        decision = placed.decided_by
        rows.append(
            Row(
                cadres[placed.key],
                standings[placed.key].total,
                placed.rank,
                len(by_cadre[placed.key]),
                decided_by=decision,
                above=cadres[decision.above_key] if decision else None,
            )
        )
    return sorted(rows, key=lambda row: (row.rank, row.cadre.name))


def _month(results, pool: str, chain: list[str]) -> list[Row]:
    """A month's rows with their stored ranks, and what decided between equal totals."""
    # The breakdowns (some 13 KB of JSON a cadre) are for the breakdown page, not the table.
    stored = list(results.select_related("cadre__department", "cadre__village").defer("breakdown"))
    rank_field = "group_rank" if pool else "rank"
    rows = {r.cadre_id: Row(r.cadre, r.total, getattr(r, rank_field) or 0, 1, r) for r in stored}
    standings = [
        rules.Standing(r.cadre_id, r.total, r.performance, r.democratic, r.deduction, r.bonus) for r in stored
    ]
    for placed in rules.rank(standings, chain):
        row = rows[placed.key]
        # Stored and recomputed ranks agree (the chain of a published scheme is fixed): a reason is
        # shown only where they do, never one that did not make the stored order.
        if placed.decided_by and placed.rank == row.rank:
            row.decided_by, row.above = placed.decided_by, rows[placed.decided_by.above_key].cadre
    return sorted(rows.values(), key=lambda row: (row.rank, row.cadre.name))


def pools_of(population: str) -> list[tuple[str, str]]:
    """The pools a population is also ranked in: agency categories, or the village heads."""
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

"""Rankings over a month, a quarter or the year to date, read from the stored monthly results.

Every span is ranked by the one function `ranking.rank`: standard competition ranking (1, 1, 3) after
the scheme's tie-break chain. A month's ranks are stored with its results (made by that function when
the month was computed) and shown as stored. A quarter or the year to date ranks cadres by the mean of
their monthly totals over the months in the span (months not yet computed, or not yet published for
those who see published results only, are left out), and each tie-break by the mean of its monthly
value over the same months (`ranking.span_standing`); every mean is rounded half-up to 2 places from
its exact value, so that equal displayed scores share a rank. Where two equal totals were separated,
the row says which criterion decided and the two values it compared.

An empty cell is never a zero. Before a month is published, a cadre whose cells are not all scored
yet has a stored result that reads empty cells as nothing earned: such a result is left out of the
ranking (the others are ranked among themselves) and listed apart with the number of empty cells,
never ranked as if they were zeros. Cadres not scored in the month (`Excusal`) are listed apart too,
with the reason.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaoping.engine import engine
from kaoping.engine import ranking as rules
from kaoping.engine.periods import Span, span_months
from kaoping.indicators.models import Scheme, TieBreak
from kaoping.people.models import AgencyCategory, Cadre, Population
from kaoping.results import basis
from kaoping.results.models import MonthlyResult, ResultBasis
from kaoping.results.results import VILLAGE_HEADS
from kaoping.scoring.completeness import sheet_gaps
from kaoping.scoring.models import Excusal, Period, PeriodStatus, ScoreSheet

from . import frozen


@dataclass
class Row:
    cadre: Cadre
    score: Decimal
    rank: int
    months: int
    result: MonthlyResult | None = None  # the month's stored result, for a one-month span
    decided_by: rules.Decision | None = None  # what separated this row from an equal total above
    above: Cadre | None = None  # the cadre of that equal total
    categories: list[Decimal] | None = None  # points per category, for a month (`category_subtotals`)

    @property
    def decided_by_text(self) -> str:
        """ "Equal to 张三; higher performance score: 85.00 > 80.00", or "" where nothing was decided."""
        if self.decided_by is None or self.above is None:
            return ""
        return decision_text(self.decided_by, self.above.name)


@dataclass
class Unscored:
    """A cadre left out of a ranking because their cells of a month not yet published are not all
    scored: an empty cell is never a zero."""

    cadre: Cadre
    month: date
    empty: int  # empty cells on the month's sheet


@dataclass
class Ranking:
    """A ranking page: the ranked rows, and who is left out of them and why."""

    rows: list[Row]
    unscored: list[Unscored]  # empty cells in a month not yet published
    excused: list[Excusal]  # not scored in the month, with the reason


def unscored_text(unscored: Unscored) -> str:
    """Why a cadre with empty cells is not ranked, for the page and the export."""
    return ngettext(
        "Not fully scored yet: %(count)d empty cell in %(month)s (an empty cell is never a zero)",
        "Not fully scored yet: %(count)d empty cells in %(month)s (an empty cell is never a zero)",
        unscored.empty,
    ) % {"count": unscored.empty, "month": f"{unscored.month:%Y-%m}"}


def excused_text(excusal: Excusal, month: date) -> str:
    """Why an excused cadre is not ranked, for the export: "Not scored in 2026-03: On leave: 产假"."""
    return _("Not scored in %(month)s: %(reason)s") % {"month": f"{month:%Y-%m}", "reason": excusal.label}


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


def _member_filter(pool: str, prefix: str = "") -> Q:
    """The cadres of a pool, by what they are (for those who have no result to read it from)."""
    if pool == VILLAGE_HEADS:
        return Q(**{f"{prefix}is_village_head": True})
    return Q(**{f"{prefix}agency_category": pool}) if pool else Q()


def _unscored(period: Period, population: str, pool: str, months: list[date]) -> list[Unscored]:
    """The cadres of the population (or pool) with empty cells on a sheet of a month of `months` that
    is not published, by month and in the sheet's order (`completeness.sheet_gaps`, one rule)."""

    sheets = (
        ScoreSheet.objects.filter(
            period__town=period.town, period__month__in=months, scheme__population=population
        )
        .exclude(period__status=PeriodStatus.PUBLISHED)
        .select_related("period__town", "scheme")
        .order_by("period__month")
    )
    found = []
    for sheet in sheets:
        gaps = sheet_gaps(sheet)
        if not gaps.missing:
            continue
        cadres = (
            Cadre.objects.filter(pk__in=gaps.missing).filter(_member_filter(pool)).with_workplace().in_bulk()
        )
        found += [
            Unscored(cadres[cadre_id], sheet.period.month, empty)
            for cadre_id, empty in gaps.missing.items()
            if cadre_id in cadres
        ]
    return found


def ranking_page(
    *, period: Period, population: str, pool: str = "", span: str = Span.MONTH, published_only: bool = False
) -> Ranking:
    """The ranked rows of one population (or one pool of it) for the span ending with `period`, the
    cadres left out for empty cells, and those not scored in the month with the reason."""
    months = span_months(period.month, span)
    unscored = [] if published_only else _unscored(period, population, pool, months)
    excused = list(
        Excusal.objects.filter(sheet__period=period, sheet__scheme__population=population)
        .filter(_member_filter(pool, "cadre__"))
        .select_related("cadre__department", "cadre__village")
        .order_by("cadre__name", "pk")
    )
    rows = ranking(
        period=period,
        population=population,
        pool=pool,
        span=span,
        published_only=published_only,
        leave_out={(u.month, u.cadre.pk) for u in unscored},
    )
    return Ranking(rows, unscored, excused)


def ranking(
    *,
    period: Period,
    population: str,
    pool: str = "",
    span: str = Span.MONTH,
    published_only: bool = False,
    leave_out: set[tuple[date, int]] | None = None,
) -> list[Row]:
    """The ranked rows of one population (or one pool of it) for the span ending with `period`,
    without the results of `leave_out` (month, cadre id): those ranked are ranked among themselves."""
    results = MonthlyResult.objects.filter(period__town=period.town, scheme__population=population).filter(
        _pool_filter(pool)
    )
    if published_only:
        results = results.filter(period__status=PeriodStatus.PUBLISHED)
    chain = tie_breaks_of(period, population)
    leave_out = leave_out or set()
    if span == Span.MONTH:
        left_out = [cadre_id for month, cadre_id in leave_out if month == period.month]
        month_results = results.filter(period=period).exclude(cadre_id__in=left_out)
        return _month(month_results, pool, chain, rerank=bool(left_out))
    by_cadre: dict[int, list[rules.Month]] = defaultdict(list)
    fields = ("period__month", "cadre_id", "total", "performance", "bonus", "deduction", "democratic")
    in_span = results.filter(period__month__in=span_months(period.month, span))
    for month, cadre_id, *values in in_span.values_list(*fields):
        if (month, cadre_id) not in leave_out:
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


def _month(results, pool: str, chain: list[str], rerank: bool = False) -> list[Row]:
    """A month's rows with their stored ranks (or, with `rerank`, ranked again among themselves: some
    of the month's results are left out), and what decided between equal totals."""
    # The breakdowns (some 13 KB of JSON a cadre) are for the breakdown page, not the table.
    stored = list(results.select_related("cadre__department", "cadre__village").defer("breakdown"))
    rank_field = "group_rank" if pool else "rank"
    rows = {r.cadre_id: Row(r.cadre, r.total, getattr(r, rank_field) or 0, 1, r) for r in stored}
    standings = [
        rules.Standing(r.cadre_id, r.total, r.performance, r.democratic, r.deduction, r.bonus) for r in stored
    ]
    for placed in rules.rank(standings, chain):
        row = rows[placed.key]
        if rerank:
            row.rank = placed.rank
        # Stored and recomputed ranks agree (the chain of a published scheme is fixed): a reason is
        # shown only where they do, never one that did not make the stored order.
        if placed.decided_by and placed.rank == row.rank:
            row.decided_by, row.above = placed.decided_by, rows[placed.decided_by.above_key].cadre
    return sorted(rows.values(), key=lambda row: (row.rank, row.cadre.name))


def pools_of(population: str) -> list[tuple[str, str]]:
    """The pools a population is also ranked in: agency categories, or the village heads."""
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


def limited(page: Ranking, cadre_id: int | None) -> Ranking:
    """The ranking as a viewer limited to one cadre's row sees it (`permissions.ranking_limited_to`):
    that row only, nobody listed apart; the whole ranking when `cadre_id` is None."""
    if cadre_id is None:
        return page
    return Ranking(
        rows=[r for r in page.rows if r.cadre.pk == cadre_id],
        unscored=[u for u in page.unscored if u.cadre.pk == cadre_id],
        excused=[e for e in page.excused if e.cadre_id == cadre_id],
    )


def category_subtotals(period: Period, rows: list[Row]) -> list[str]:
    """The month's category names in the scheme's order, and each row's points per category
    (`row.categories`, in that order, rounded half-up to 2 places), worked out again by the engine
    from the month's stored basis and each cadre's stored values, in three queries whatever the number
    of rows (one when kept). Nothing (and the rows untouched) without one stored basis for the rows.

    Only for a published month, which changes only by a published correction: what is worked out is
    kept (frozen.py) under the month's state and the rows' results, so that the ranking's other
    languages, links and table alone do not work it out again (some 40 ms for 150 cadres)."""
    by_result = {r.result.pk: r for r in rows if r.result is not None}
    key = None
    if period.status == PeriodStatus.PUBLISHED:
        state = frozen.months_state(period.town_id, months=[period.month], published_only=True)
        key = (period.pk, tuple(sorted(by_result)), state)
    names, subtotals = frozen.kept(key, "category-subtotals", lambda: _subtotals(period, by_result))
    for pk, row in by_result.items():
        row.categories = subtotals.get(pk, row.categories)
    return names


def _subtotals(period: Period, by_result: dict[int, Row]) -> tuple[list[str], dict[int, list[Decimal]]]:
    """The category names, and the points per category of each row's result (by the result's id)."""
    scheme_ids = {r.result.scheme_id for r in by_result.values() if r.result is not None}
    if len(scheme_ids) != 1:
        return [], {}
    stored = (
        ResultBasis.objects.filter(period=period, scheme_id__in=scheme_ids)
        .values_list("basis", flat=True)
        .first()
    )
    if not stored or "indicators" not in stored:
        return [], {}
    version, best = basis.load(stored)
    ids = basis.order(version)
    entries = []
    # Only each cadre's raw values, not the whole stored breakdown.
    for pk, texts in MonthlyResult.objects.filter(pk__in=by_result).values_list("pk", "breakdown__values"):
        cadre_id = by_result[pk].cadre.pk
        for indicator_id, text in zip(ids, texts or [], strict=False):
            if text is not None:
                entries.append(engine.Entry(cadre_id, indicator_id, Decimal(text)))
    computed = engine.compute(version, [r.cadre.pk for r in by_result.values()], entries, best=best)
    names: dict[int, str] = {}
    for item in stored["indicators"]:
        names.setdefault(item["category_id"], item["category"])
    cent = Decimal("0.01")
    subtotals = {}
    for pk, row in by_result.items():
        sums = dict.fromkeys(names, Decimal(0))
        for line in computed[row.cadre.pk].lines:
            sums[line.category_id] = sums.get(line.category_id, Decimal(0)) + line.points
        subtotals[pk] = [sums[c].quantize(cent, ROUND_HALF_UP) for c in names]
    return list(names.values()), subtotals

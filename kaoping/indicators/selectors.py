"""Reads of the indicator schemes: weights in force in a month, the engine's view of a scheme, and the
scheme screen. Each runs a fixed number of queries, whatever the size of the scheme.

"In force" means: the version of an indicator's weight with the latest `effective_from` not after the
month. An indicator with no version yet in that month is absent (not part of the month's scheme), which
is different from a weight of 0 (in the scheme, counting for nothing, a veto still applying).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet

from kaoping.accounts.permissions import Action, can
from kaoping.engine import engine
from kaoping.people.models import Population, Town

from .models import Category, Indicator, IndicatorWeight, Scheme, SchemeStatus

ZERO = Decimal(0)


def first_of_month(month: date) -> date:
    return month.replace(day=1)


def weights_in_force(scheme: Scheme, month: date) -> dict[int, Decimal]:
    """{indicator id: weight} in force in `month` (any day of it), in one query.

    Indicators without a version on or before the month are absent from the result.
    """
    versions = (
        IndicatorWeight.objects.filter(indicator__scheme=scheme, effective_from__lte=first_of_month(month))
        .order_by("indicator_id", "effective_from")
        .values_list("indicator_id", "weight")
    )
    # Ordered by month, so the last version written for an indicator is the one in force.
    return dict(versions)


def weight_history(scheme: Scheme) -> dict[int, list[IndicatorWeight]]:
    """Every weight version of the scheme, by indicator, oldest first, in one query."""
    history: dict[int, list[IndicatorWeight]] = defaultdict(list)
    for version in IndicatorWeight.objects.filter(indicator__scheme=scheme).order_by(
        "indicator_id", "effective_from"
    ):
        history[version.indicator_id].append(version)
    return history


def scheme_version(scheme: Scheme, month: date) -> engine.SchemeVersion:
    """The scheme as the engine computes `month` with it, in two queries.

    Holds the indicators with a weight in force that month (weights and rules as then), the scale,
    the democratic share and the bonus and deduction caps.
    """
    return scheme_versions([scheme], month)[scheme.pk][0]


Heads = dict[int, tuple[str, str, str]]  # indicator id → (code, name, category name)


def scheme_versions(schemes: Sequence[Scheme], month: date) -> dict[int, tuple[engine.SchemeVersion, Heads]]:
    """`scheme_version` of several schemes of a month at once, in two queries whatever their number,
    with each indicator's code, name and category name (what a month's stored basis names them by):
    {scheme id: (version, heads)}."""
    first = first_of_month(month)
    weights_of = IndicatorWeight.objects.filter(effective_from__lte=first)
    if len(schemes) == 1:
        weights_of = weights_of.filter(indicator__scheme=schemes[0])
    else:
        weights_of = weights_of.filter(indicator__scheme__in=schemes)
    # Ordered by month, so the last version written for an indicator is the one in force.
    weights = dict(
        weights_of.order_by("indicator_id", "effective_from").values_list("indicator_id", "weight")
    )
    specs: dict[int, list[engine.IndicatorSpec]] = defaultdict(list)
    heads: dict[int, Heads] = defaultdict(dict)
    for indicator in Indicator.objects.filter(pk__in=list(weights)).select_related("category"):
        specs[indicator.scheme_id].append(
            engine.IndicatorSpec(
                id=indicator.pk,
                category_id=indicator.category_id,
                weight=weights[indicator.pk],
                rule=indicator.engine_rule(),
                name=str(indicator),
                category_name=indicator.category.name,
            )
        )
        heads[indicator.scheme_id][indicator.pk] = (indicator.code, indicator.name, indicator.category.name)
    return {
        scheme.pk: (
            engine.SchemeVersion(
                indicators=tuple(specs[scheme.pk]),
                scale=scheme.scale,
                democratic_share=scheme.democratic_share,
                bonus_cap_month=scheme.bonus_cap_month,
                bonus_cap_year=scheme.bonus_cap_year,
                deduction_cap_month=scheme.deduction_cap_month,
                deduction_cap_year=scheme.deduction_cap_year,
            ),
            heads[scheme.pk],
        )
        for scheme in schemes
    }


def scheme_for(town: Town, year: int, population: str) -> Scheme | None:
    """The town's scheme for one population and year, if the office has made it."""
    return Scheme.objects.filter(town=town, year=year, population=population).first()


def visible_schemes(user, town: Town) -> QuerySet[Scheme]:
    """The town's schemes the user may read: drafts only for those who build schemes."""
    schemes = Scheme.objects.filter(town=town)
    if not can(user, Action.MANAGE_SCHEMES, town):
        schemes = schemes.exclude(status=SchemeStatus.DRAFT)
    return schemes


@dataclass
class YearRow:
    year: int
    schemes: list[tuple[Population, Scheme | None]]  # in the populations' order


def schemes_by_year(schemes: QuerySet[Scheme]) -> list[YearRow]:
    """The schemes as a table: a row per year, newest first, a column per population; one query."""
    by_key = {
        (s.year, s.population): s
        for s in schemes.annotate(indicator_count=Count("indicators", distinct=True)).order_by()
    }
    years = sorted({year for year, _population in by_key}, reverse=True)
    return [
        YearRow(year, [(population, by_key.get((year, population))) for population in Population])
        for year in years
    ]


@dataclass
class IndicatorRow:
    indicator: Indicator
    weight: Decimal | None  # in force in the chosen month; None: absent
    history: list[IndicatorWeight]
    version: IndicatorWeight | None  # the version in force


@dataclass
class CategoryBlock:
    category: Category
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def weight(self) -> Decimal:
        return sum((r.weight for r in self.rows if r.weight is not None), ZERO)

    @property
    def max_score(self) -> Decimal:
        return sum((r.indicator.max_score for r in self.rows), ZERO)


@dataclass
class SchemeTable:
    month: date
    blocks: list[CategoryBlock]

    @property
    def weight(self) -> Decimal:
        return sum((b.weight for b in self.blocks), ZERO)

    @property
    def indicator_count(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    @property
    def absent_count(self) -> int:
        return sum(1 for b in self.blocks for r in b.rows if r.weight is None)

    @property
    def changed_this_month(self) -> int:
        """Indicators whose weight changes this month (a version starting now replaces an earlier one)."""
        return sum(
            1
            for b in self.blocks
            for r in b.rows
            if r.version and r.version.effective_from == self.month and r.version is not r.history[0]
        )

    @property
    def added_this_month(self) -> int:
        """Indicators weighted for the first time this month, after January."""
        return sum(
            1
            for b in self.blocks
            for r in b.rows
            if self.month.month > 1
            and r.version is not None
            and r.version is r.history[0]
            and r.version.effective_from == self.month
        )


def scheme_table(scheme: Scheme, month: date) -> SchemeTable:
    """Categories with their indicators, each with the weight in force in `month` and its history.

    Three queries: categories, indicators, and every weight version (in force and history come from
    the same list).
    """
    month = first_of_month(month)
    history = weight_history(scheme)
    blocks = {c.pk: CategoryBlock(c) for c in Category.objects.filter(scheme=scheme)}
    for indicator in Indicator.objects.filter(scheme=scheme).order_by("sort_order", "id"):
        versions = history.get(indicator.pk, [])
        in_force = [v for v in versions if v.effective_from <= month]
        version = in_force[-1] if in_force else None
        blocks[indicator.category_id].rows.append(
            IndicatorRow(indicator, version.weight if version else None, versions, version)
        )
    return SchemeTable(month=month, blocks=list(blocks.values()))


def change_months(scheme: Scheme) -> list[date]:
    """The months in which at least one weight version starts, in order."""
    return sorted(
        set(
            IndicatorWeight.objects.filter(indicator__scheme=scheme)
            .order_by()
            .values_list("effective_from", flat=True)
        )
    )

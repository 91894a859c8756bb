"""Properties of the scoring engine that must hold for any month a town could configure.

Hypothesis draws whole months: a scheme version (indicators of every rule kind, weights, caps,
democratic share), the cadres, their entries (some missing), bonus and deduction shares with what the
year already used, and democratic scores. No database here.
"""

import copy
import math
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaoping.engine import ranking
from kaoping.engine.engine import (
    Adjustment,
    Entry,
    IndicatorSpec,
    Result,
    Rule,
    RuleKind,
    SchemeVersion,
    VetoEffect,
    compute,
)

# The root conftest's autouse fixture only swaps the password hasher: harmless across examples.
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def amounts(low: int, high: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    """Decimals from `low` to `high` with `places` decimals, as a scorer would type them."""
    step = 10**places
    return st.integers(low * step, high * step).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(RuleKind))
    max_score = draw(amounts(1, 60, places=1))
    if kind == RuleKind.COMPLETION:
        return Rule(kind, max_score, target=draw(amounts(1, 500)))
    if kind == RuleKind.PER_OCCURRENCE:
        return Rule(
            kind,
            max_score,
            points_each=draw(amounts(1, 10, places=1)),
            cap=draw(st.none() | amounts(0, 60, places=1)),
            adds=draw(st.booleans()),
        )
    if kind == RuleKind.RANK:
        return Rule(
            kind, max_score, ladder_step=draw(amounts(0, 10, places=1)), proportional=draw(st.booleans())
        )
    if kind == RuleKind.VETO:
        return Rule(kind, max_score, veto_effect=draw(st.sampled_from(VetoEffect)))
    return Rule(kind, max_score)


def values_for(rule: Rule) -> st.SearchStrategy[Decimal]:
    """What a scorer may enter under `rule`."""
    if rule.kind == RuleKind.MANUAL:
        return st.integers(0, int(rule.max_score * 100)).map(lambda n: Decimal(n).scaleb(-2))
    if rule.kind == RuleKind.COMPLETION:
        assert rule.target is not None
        return st.integers(0, int(rule.target * 200)).map(lambda n: Decimal(n).scaleb(-2))
    if rule.kind in (RuleKind.PASS_FAIL, RuleKind.VETO):
        return st.sampled_from([Decimal(0), Decimal(1)])
    if rule.kind == RuleKind.PER_OCCURRENCE:
        return st.integers(0, 20).map(Decimal)
    if rule.proportional:
        return amounts(0, 1000)
    return st.integers(1, 30).map(Decimal)


@st.composite
def indicator_lists(draw: st.DrawFn) -> list[IndicatorSpec]:
    ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=6, unique=True))
    return [
        IndicatorSpec(
            id=i,
            category_id=draw(st.integers(1, 3)),
            weight=draw(st.sampled_from([Decimal(0)]) | amounts(0, 100)),
            rule=draw(rules()),
        )
        for i in ids
    ]


@st.composite
def schemes(draw: st.DrawFn, indicators: list[IndicatorSpec] | None = None) -> SchemeVersion:
    cap = st.none() | amounts(0, 5)
    return SchemeVersion(
        indicators=tuple(indicators if indicators is not None else draw(indicator_lists())),
        scale=draw(st.sampled_from([Decimal(100), Decimal(60), Decimal(120)])),
        democratic_share=draw(amounts(0, 1)),
        bonus_cap_month=draw(cap),
        bonus_cap_year=draw(cap),
        deduction_cap_month=draw(cap),
        deduction_cap_year=draw(cap),
    )


@st.composite
def months(draw: st.DrawFn, version: SchemeVersion | None = None) -> dict[str, Any]:
    """Keyword arguments for `compute`: one month of one population."""
    scheme = version if version is not None else draw(schemes())
    cadres = draw(st.lists(st.integers(1, 500), min_size=1, max_size=6, unique=True))
    entries = [
        Entry(cadre, spec.id, draw(values_for(spec.rule)))
        for cadre in cadres
        for spec in scheme.indicators
        if draw(st.integers(0, 9)) > 0  # about one entry in ten missing
    ]
    adjustment_ids = draw(st.lists(st.integers(1, 10_000), max_size=8, unique=True))
    adjustments = [
        Adjustment(
            id=i,
            cadre_id=draw(st.sampled_from(cadres)),
            is_bonus=draw(st.booleans()),
            points=draw(amounts(0, 5)),
        )
        for i in adjustment_ids
    ]
    used = st.dictionaries(st.sampled_from(cadres), amounts(0, 6))
    return {
        "scheme": scheme,
        "cadre_ids": cadres,
        "entries": entries,
        "adjustments": adjustments,
        "democratic": draw(st.none() | st.dictionaries(st.sampled_from(cadres), amounts(0, 100, places=3))),
        "bonus_used_this_year": draw(used),
        "deduction_used_this_year": draw(used),
    }


tie_break_chains = st.lists(st.sampled_from(sorted(ranking.HIGHER_IS_BETTER)), unique=True, max_size=4)


def ranks(results: list[Result], chain: list[str]) -> dict[int, int]:
    """The ranks of computed results, as the month's recomputation ranks them."""
    standings = [
        ranking.Standing(r.cadre_id, r.total, r.performance, r.democratic, r.deduction, r.bonus)
        for r in results
    ]
    return ranking.ranks(ranking.rank(standings, chain))


def year_left(cap: Decimal | None, used: Decimal) -> Decimal | None:
    return None if cap is None else max(Decimal(0), cap - used)


# --- (a) Bounds ---------------------------------------------------------------------------------


@fast
@given(months())
def test_every_total_stays_within_the_bounds_of_the_scheme(month):
    scheme: SchemeVersion = month["scheme"]
    upper = scheme.scale + scheme.bonus_cap_month if scheme.bonus_cap_month is not None else None
    for result in compute(**month).values():
        assert 0 <= result.performance <= scheme.scale
        assert result.assessment >= 0
        assert result.total >= 0
        if upper is not None:
            assert result.assessment <= upper
            # a democratic score is out of 100: it can only pull a total towards 100
            assert result.total <= max(upper, Decimal(100))
            if result.democratic is None:
                assert result.total <= upper
        for line in result.lines:
            assert 0 <= line.fraction <= 1


@fast
@given(months())
def test_bonus_and_deduction_never_pass_the_month_or_what_is_left_of_the_year(month):
    scheme: SchemeVersion = month["scheme"]
    for cadre, result in compute(**month).items():
        bonus_left = year_left(scheme.bonus_cap_year, month["bonus_used_this_year"].get(cadre, Decimal(0)))
        deduction_left = year_left(
            scheme.deduction_cap_year, month["deduction_used_this_year"].get(cadre, Decimal(0))
        )
        for applied, caps in [
            (result.bonus, [scheme.bonus_cap_month, bonus_left]),
            (result.deduction, [scheme.deduction_cap_month, deduction_left]),
        ]:
            assert all(applied <= cap for cap in caps if cap is not None)
        entered = sum(
            (a.points for a in month["adjustments"] if a.cadre_id == cadre and a.is_bonus), Decimal(0)
        )
        assert result.bonus <= entered
        assert all(0 <= line.applied <= line.points for line in result.adjustments)


# --- (b) A weight change never alters another month ---------------------------------------------

YEAR = [date(2026, m, 1) for m in range(1, 13)]

# Weight versions as the indicators app keeps them: indicator id → [(effective from, weight)].
WeightHistory = dict[int, list[tuple[date, Decimal]]]


def version_in_force(base: SchemeVersion, history: WeightHistory, month: date) -> SchemeVersion:
    """The scheme of `month`: each indicator at the weight with the latest start not after it."""
    indicators = []
    for spec in base.indicators:
        started = [(start, weight) for start, weight in history.get(spec.id, []) if start <= month]
        weight = max(started)[1] if started else Decimal(0)  # not yet in force
        indicators.append(replace(spec, weight=weight))
    return replace(base, indicators=tuple(indicators))


@st.composite
def histories(draw: st.DrawFn, base: SchemeVersion) -> WeightHistory:
    return {
        spec.id: [
            (start, draw(amounts(0, 100))) for start in draw(st.sets(st.sampled_from(YEAR), min_size=1))
        ]
        for spec in base.indicators
    }


@fast
@given(st.data())
def test_a_weight_change_from_a_month_on_leaves_every_earlier_month_as_it_was(data):
    base = data.draw(schemes())
    history = data.draw(histories(base))
    month = data.draw(months(base))  # the same cadres and scores every month, to isolate the weights
    before = {m: compute(**{**month, "scheme": version_in_force(base, history, m)}) for m in YEAR}

    # From some month on the office rewrites the weights: new versions, corrected ones, removed ones.
    start = data.draw(st.sampled_from(YEAR))
    rewritten = data.draw(histories(base))
    later = {
        i: [(s, w) for s, w in history[i] if s < start] + [(s, w) for s, w in rewritten[i] if s >= start]
        for i in history
    }
    for spec in version_in_force(base, later, start).indicators:
        current = [(s, w) for s, w in rewritten[spec.id] if s == start]
        if current:  # a version starting that very month is the one in force
            assert spec.weight == current[0][1]

    for m in YEAR:
        if m < start:
            assert compute(**{**month, "scheme": version_in_force(base, later, m)}) == before[m]


@fast
@given(st.data())
def test_a_month_depends_on_its_own_version_only(data):
    base = data.draw(schemes())
    month = data.draw(months(base))
    first = compute(**month)
    # Another month in between, on a version with other weights for the same indicators, leaves no trace.
    reweighted = [replace(spec, weight=data.draw(amounts(0, 100))) for spec in base.indicators]
    compute(**data.draw(months(data.draw(schemes(indicators=reweighted)))))
    assert compute(**month) == first


# --- (c) Order never matters --------------------------------------------------------------------


@fast
@given(months(), tie_break_chains, st.randoms(use_true_random=False))
def test_the_order_of_the_input_never_changes_totals_or_ranks(month, chain, rnd: random.Random):
    def shuffle(items):
        return rnd.sample(list(items), len(items))

    shuffled = {**month}
    for key in ("cadre_ids", "entries", "adjustments"):
        shuffled[key] = shuffle(month[key])
    for key in ("democratic", "bonus_used_this_year", "deduction_used_this_year"):
        if month[key] is not None:
            shuffled[key] = dict(shuffle(month[key].items()))
    shuffled["scheme"] = replace(month["scheme"], indicators=tuple(shuffle(month["scheme"].indicators)))

    results, again = compute(**month), compute(**shuffled)
    assert again == results
    assert ranks(shuffle(again.values()), chain) == ranks(list(results.values()), chain)


@fast
@given(months())
def test_a_month_computed_without_lines_adds_up_to_the_same_results(month):
    """A whole month is stored from `explain=False`; each cadre's lines are worked out again alone,
    with the month's best peer values (as `basis.explain` does), and add up to the same."""
    explained = compute(**month)
    totals = compute(**month, explain=False)
    assert {c: replace(r, lines=[]) for c, r in explained.items()} == totals
    best = {
        spec.id: max((e.value for e in month["entries"] if e.indicator_id == spec.id), default=Decimal(0))
        for spec in month["scheme"].indicators
        if spec.rule.kind == RuleKind.RANK and spec.rule.proportional
    }
    for cadre_id, result in explained.items():
        own = [e for e in month["entries"] if e.cadre_id == cadre_id]
        alone = compute(month["scheme"], [cadre_id], own, best=best)[cadre_id]
        assert (alone.lines, alone.performance, alone.vetoes) == (
            result.lines,
            result.performance,
            result.vetoes,
        )


# --- (e) Recomputing ----------------------------------------------------------------------------


@fast
@given(months(), tie_break_chains)
def test_recomputing_gives_the_same_results_and_leaves_the_input_alone(month, chain):
    snapshot = copy.deepcopy(month)
    first = compute(**month)
    second = compute(**month)
    assert first == second
    assert ranks(list(first.values()), chain) == ranks(list(second.values()), chain)
    assert month == snapshot


# --- Rounding -----------------------------------------------------------------------------------


def half_cent_month(maximum: int, first: Decimal, second: Decimal, democratic: Decimal) -> dict[str, Any]:
    """One cadre, two manual indicators out of `maximum` weighted equally, and a democratic score."""
    rule = Rule(RuleKind.MANUAL, Decimal(maximum))
    return {
        "scheme": SchemeVersion(
            (IndicatorSpec(1, 1, Decimal(1), rule), IndicatorSpec(2, 1, Decimal(1), rule))
        ),
        "cadre_ids": [7],
        "entries": [Entry(7, 1, first), Entry(7, 2, second)],
        "democratic": {7: democratic},
    }


@st.composite
def half_cent_months(draw: st.DrawFn) -> tuple[dict[str, Any], Decimal]:
    """Months whose exact total is a half cent (x.xx5), built backwards from it.

    Out of a maximum such as 3 or 70 each line (50 × value / maximum) is a repeating decimal, cut
    at a digit that depends on its size, while their sum, the assessment, is a whole cent; the
    democratic score (three decimals, as a weighted mean of means has) then puts the total on a
    half cent. Rounding anything before the end, even at the 28th digit, can land below it.
    """
    maximum = draw(st.sampled_from([3, 6, 7, 9, 11, 12, 15, 30, 60, 70]))
    # assessment = 50 × (v1 + v2) / maximum = a / 100, with v1 + v2 a whole number of cents
    step = 50 // math.gcd(maximum, 50)
    assessment_cents = step * draw(st.integers(0, 10_000 // step))
    both = assessment_cents * maximum // 50
    first = draw(st.integers(max(0, both - 100 * maximum), min(both, 100 * maximum)))
    assessment = Decimal(assessment_cents) / 100
    # total = 0.8 × assessment + 0.2 × democratic, democratic between 0 and 100
    lowest = math.ceil(Decimal("0.8") * assessment * 100 - Decimal("0.5"))
    highest = math.floor((Decimal("0.8") * assessment + 20) * 100 - Decimal("0.5"))
    exact = (Decimal(draw(st.integers(lowest, highest))) + Decimal("0.5")) / 100
    democratic = 5 * exact - 4 * assessment
    return half_cent_month(maximum, Decimal(first) / 100, Decimal(both - first) / 100, democratic), exact


@settings(fast, max_examples=150)
@given(half_cent_months(), st.sampled_from([28, 12]))
# 50 × (0.14 + 2.23) / 3 = 39.5; 0.8 × 39.5 + 0.2 × 82.975 = 31.6 + 16.595 = 48.195 → 48.20
@example((half_cent_month(3, Decimal("0.14"), Decimal("2.23"), Decimal("82.975")), Decimal("48.195")), 28)
def test_an_exact_half_cent_always_rounds_up_whatever_the_decimal_precision(case, precision):
    month, exact = case
    with localcontext() as context:
        context.prec = precision
        total = compute(**month)[7].total
    assert total == exact + Decimal("0.005")

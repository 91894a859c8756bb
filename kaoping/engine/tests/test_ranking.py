"""The one ranking function, for a month and for a span of months, with worked examples. No database."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine import engine
from kaoping.engine.engine import Entry, IndicatorSpec, Rule, RuleKind, SchemeVersion
from kaoping.engine.ranking import (
    HIGHER_IS_BETTER,
    Decision,
    Month,
    Placed,
    RankingError,
    Standing,
    rank,
    ranks,
    shown,
    span_mean,
    span_standing,
)

D = Decimal


def standings(*rows: tuple[int, str, str, str]) -> list[Standing]:
    """(cadre, total, performance, deduction) → standings."""
    return [
        Standing(key, D(total), D(performance), None, D(deducted))
        for key, total, performance, deducted in rows
    ]


# --- Standard competition ranking ---------------------------------------------------------------


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    given_ = standings((1, "90", "90", "0"), (2, "90", "90", "0"), (3, "85", "85", "0"))
    assert rank(given_) == [Placed(1, 1), Placed(2, 1), Placed(3, 3)]


def test_ranks_skip_after_a_tie_in_the_middle():
    given_ = standings((1, "90", "90", "0"), (2, "85", "85", "0"), (3, "85", "85", "0"), (4, "80", "80", "0"))
    assert ranks(rank(given_)) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_the_best_comes_first_whatever_order_the_standings_come_in():
    given_ = standings((1, "80", "0", "0"), (2, "95", "0", "0"), (3, "85.5", "0", "0"))
    assert [p.key for p in rank(given_)] == [2, 3, 1]
    assert [p.rank for p in rank(given_)] == [1, 2, 3]


def test_the_tie_break_chain_is_applied_in_its_order():
    # all four at 90: (performance, deduction) A (90, 0), B (91, 1), C (91, 1), D (92, 2)
    given_ = standings((1, "90", "90", "0"), (2, "90", "91", "1"), (3, "90", "91", "1"), (4, "90", "92", "2"))
    # by performance then fewer deductions: D 92; B and C 91 and equal again; A 90
    assert ranks(rank(given_, ["performance", "fewer_deductions"])) == {4: 1, 2: 2, 3: 2, 1: 4}
    # fewer deductions first: A none; B and C one each; D two
    assert ranks(rank(given_, ["fewer_deductions", "performance"])) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_without_a_chain_equal_totals_stay_equal():
    given_ = standings((1, "90", "80", "0"), (2, "90", "90", "3"))
    assert ranks(rank(given_)) == {1: 1, 2: 1}


def test_democratic_and_bonus_tie_breaks_favour_more():
    given_ = [
        Standing(1, D(90), democratic=D(85), bonus=D(0)),
        Standing(2, D(90), democratic=None, bonus=D(1)),
        Standing(3, D(90), democratic=D(88), bonus=D(0)),
    ]
    # a higher democratic score first; no democratic score at all comes after any score
    assert ranks(rank(given_, ["democratic"])) == {3: 1, 1: 2, 2: 3}
    assert ranks(rank(given_, ["bonus"])) == {2: 1, 1: 2, 3: 2}


def test_a_democratic_score_of_zero_still_comes_before_none():
    given_ = [Standing(1, D(90), democratic=None), Standing(2, D(90), democratic=D(0))]
    assert ranks(rank(given_, ["democratic"])) == {2: 1, 1: 2}


def test_a_tie_break_never_overrides_the_total():
    given_ = standings((1, "90.01", "80", "5"), (2, "90", "90", "0"))
    assert ranks(rank(given_, ["performance", "fewer_deductions"])) == {1: 1, 2: 2}


def test_a_tie_is_broken_only_by_digits_a_person_can_see():
    # 85.004 and 85.001 both read 85.00: still a tie; 85.005 reads 85.01 (half-up) and wins
    given_ = [
        Standing(1, D(90), D("85.004")),
        Standing(2, D(90), D("85.001")),
        Standing(3, D(90), D("85.005")),
    ]
    assert ranks(rank(given_, ["performance"])) == {3: 1, 1: 2, 2: 2}


def test_an_unknown_tie_break_is_refused_even_with_nobody_to_rank():
    with pytest.raises(RankingError, match="^unknown tie-break seniority, age$"):
        rank(standings((1, "90", "90", "0")), ["performance", "seniority", "age"])
    with pytest.raises(RankingError, match="^unknown tie-break seniority$"):
        rank([], ["seniority"])


def test_a_cadre_given_twice_is_refused():
    with pytest.raises(RankingError, match="^a cadre is ranked twice$"):
        rank(standings((1, "90", "90", "0"), (1, "80", "80", "0")))


def test_an_unknown_criterion_has_no_value():
    with pytest.raises(RankingError, match="^unknown tie-break seniority$"):
        Standing(1, D(90)).value("seniority")


def test_ranks_come_from_computed_results():
    version = SchemeVersion(indicators=(IndicatorSpec(1, 1, D(1), Rule(RuleKind.MANUAL, D(100))),))
    results = engine.compute(version, [1, 2, 3], [Entry(1, 1, D(88)), Entry(2, 1, D(92)), Entry(3, 1, D(88))])
    given_ = [Standing(r.cadre_id, r.total, r.performance) for r in results.values()]
    assert ranks(rank(given_)) == {2: 1, 1: 2, 3: 2}


# --- What decided between equal totals ---------------------------------------------------------


def test_the_lower_of_two_equal_totals_carries_the_criterion_and_the_values_that_decided():
    given_ = standings((1, "90", "80", "0"), (2, "90", "85", "0"))
    assert rank(given_, ["performance"]) == [
        Placed(2, 1),
        Placed(1, 2, Decision("performance", D("85.00"), D("80.00"), 2)),
    ]


def test_the_decision_names_the_first_criterion_of_the_chain_that_differs():
    # equal performance, so the deduction decides: 1 point against 3
    given_ = standings((1, "90", "85", "3"), (2, "90", "85", "1"))
    placed = rank(given_, ["performance", "fewer_deductions", "bonus"])
    assert placed[1] == Placed(1, 2, Decision("fewer_deductions", D("1.00"), D("3.00"), 2))
    assert placed[1].decided_by is not None and placed[1].decided_by.sign == "<"


def test_a_democratic_score_against_none_decides_and_says_so():
    given_ = [Standing(1, D(90), democratic=None), Standing(2, D(90), democratic=D("88.5"))]
    placed = rank(given_, ["democratic"])
    assert placed[1] == Placed(1, 2, Decision("democratic", D("88.50"), None, 2))
    assert placed[1].decided_by is not None and placed[1].decided_by.sign == ">"


def test_nothing_decided_between_different_totals_or_a_shared_rank():
    given_ = standings((1, "91", "80", "0"), (2, "90", "85", "0"), (3, "90", "85", "0"))
    assert [p.decided_by for p in rank(given_, ["performance"])] == [None, None, None]


def test_each_of_three_equal_totals_is_explained_against_the_one_just_above():
    given_ = [
        Standing(1, D(90), D(85), democratic=D(70)),
        Standing(2, D(90), D(90)),
        Standing(3, D(90), D(85), democratic=D(80)),
    ]
    placed = rank(given_, ["performance", "democratic"])
    assert placed == [
        Placed(2, 1),
        Placed(3, 2, Decision("performance", D("90.00"), D("85.00"), 2)),
        Placed(1, 3, Decision("democratic", D("80.00"), D("70.00"), 3)),
    ]


def test_values_are_shown_half_up_to_two_places():
    assert shown(D("85.005")) == D("85.01")
    assert shown(D("85.0049")) == D("85.00")
    assert str(shown(D(85))) == "85.00"


# --- Over a span of months ----------------------------------------------------------------------


def test_a_span_mean_rounds_half_up_from_the_exact_value():
    assert span_mean([D("85.12"), D("85.13")]) == D("85.13")  # 85.125
    assert span_mean([D("85.11"), D("85.12")]) == D("85.12")  # 85.115
    assert span_mean([D("80"), D("80"), D("80.01")]) == D("80.00")  # 80.00333…
    assert span_mean([D("80"), D("80.01"), D("80.01")]) == D("80.01")  # 80.00666…
    assert str(span_mean([D(80)])) == "80.00"


def test_a_span_mean_of_nothing_or_of_a_negative_value_is_refused():
    with pytest.raises(RankingError, match="^a mean needs at least one value$"):
        span_mean([])
    with pytest.raises(RankingError, match="^a mean of scores takes no negative value$"):
        span_mean([D(1), D("-0.01")])
    assert span_mean([D(0), D("0.01")]) == D("0.01")  # 0.005


def test_a_span_standing_is_the_mean_of_each_value_over_the_months_counted():
    months = [
        Month(total=D("90"), performance=D("88"), bonus=D("2"), deduction=D("0"), democratic=None),
        Month(total=D("85"), performance=D("86"), bonus=D("0"), deduction=D("1"), democratic=D("90")),
        Month(total=D("80.01"), performance=D("81"), bonus=D("1"), deduction=D("0.5"), democratic=D("85")),
    ]
    assert span_standing(7, months) == Standing(
        key=7,
        total=D("85.00"),  # 255.01 / 3 = 85.00333…
        performance=D("85.00"),  # 255 / 3
        democratic=D("87.50"),  # the two months that have one: (90 + 85) / 2
        deduction=D("0.50"),  # 1.5 / 3
        bonus=D("1.00"),  # 3 / 3
    )


def test_a_span_without_any_democratic_score_has_none():
    months = [Month(D(90), D(90), D(0), D(0), None)]
    assert span_standing(1, months).democratic is None


def test_over_a_span_equal_means_are_separated_by_the_mean_of_the_criterion():
    a = span_standing(1, [Month(D(90), D(90), D(0), D(0), None), Month(D(80), D(80), D(0), D(0), None)])
    b = span_standing(2, [Month(D(85), D(84), D(1), D(0), None), Month(D(85), D(85), D(0), D(0), None)])
    assert a.total == b.total == D("85.00")
    assert rank([a, b], ["performance"]) == [
        Placed(1, 1),
        Placed(2, 2, Decision("performance", D("85.00"), D("84.50"), 1)),
    ]


# --- Properties ---------------------------------------------------------------------------------

small = st.integers(0, 4).map(Decimal)  # few values, so that ties are common
chains = st.lists(st.sampled_from(sorted(HIGHER_IS_BETTER)), unique=True, max_size=4)


@st.composite
def many_standings(draw: st.DrawFn) -> list[Standing]:
    keys = draw(st.lists(st.integers(1, 100), min_size=1, max_size=12, unique=True))
    return [
        Standing(
            key,
            total=draw(small),
            performance=draw(small),
            democratic=draw(st.none() | small),
            deduction=draw(small),
            bonus=draw(small),
        )
        for key in keys
    ]


def _seen(s: Standing, chain: list[str]) -> tuple[Decimal, ...]:
    """What a person compares, written out apart from the module: more is better in every slot."""
    values = {
        "performance": s.performance,
        "democratic": s.democratic,
        "fewer_deductions": s.deduction,
        "bonus": s.bonus,
    }
    out = [s.total]
    for name in chain:
        value = values[name]
        if value is None:
            out.append(D("-Infinity"))
        else:
            value = value.quantize(D("0.01"), rounding=ROUND_HALF_UP)
            out.append(-value if name == "fewer_deductions" else value)
    return tuple(out)


@settings(max_examples=200, deadline=None)
@given(many_standings(), chains, st.randoms(use_true_random=False))
def test_a_rank_is_one_more_than_the_number_of_cadres_strictly_ahead(given_, chain, rnd):
    placed = rank(rnd.sample(given_, len(given_)), chain)
    assert [p.rank for p in placed] == sorted(p.rank for p in placed)
    got = ranks(placed)
    assert set(got) == {s.key for s in given_}
    for s in given_:
        assert got[s.key] == 1 + sum(_seen(o, chain) > _seen(s, chain) for o in given_)
    assert rank(given_, chain) == placed  # the order of the input never matters


@settings(max_examples=200, deadline=None)
@given(many_standings(), chains)
def test_a_decision_is_given_exactly_where_equal_totals_were_separated(given_, chain):
    by_key = {s.key: s for s in given_}
    placed = rank(given_, chain)
    for above, below in zip(placed, placed[1:], strict=False):
        a, b = by_key[above.key], by_key[below.key]
        separated = a.total == b.total and above.rank != below.rank
        assert (below.decided_by is not None) == separated
        if below.decided_by is not None:
            decision = below.decided_by
            assert decision.above_key == a.key
            assert (decision.above, decision.mine) == (
                a.value(decision.criterion),
                b.value(decision.criterion),
            )
            earlier = chain[: chain.index(decision.criterion)]
            assert all(a.value(name) == b.value(name) for name in earlier)
    assert placed[0].decided_by is None

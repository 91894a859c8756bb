"""Sharing a pay pool to the cent: worked examples and properties (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaoping.engine.pay import AboveFloor, PayError, Person, Tiers, distribute

D = Decimal
TIERS = Tiers({"优秀": D("1.2"), "合格": D("1.0"), "基本合格": D("0.6"), "不合格": D(0)})


def amounts(allocations):
    return {a.key: a.amount for a in allocations}


def test_three_equal_people_share_a_cent_left_over_by_key():
    # 100.00 in three: 33.33 each and one cent left over, to the smallest key (equal weights).
    result = distribute(D("100.00"), [Person(k, score=D(50)) for k in (3, 1, 2)], AboveFloor(D(0)))
    assert amounts(result) == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    assert [a.key for a in result] == [3, 1, 2]  # the order given
    assert sum(a.amount for a in result) == D("100.00")


def test_grade_tiers_worked_example():
    # Coefficients 1.2 + 1.0 + 0.6 + 0 = 2.8; 10,000 yuan: 4,285.714…, 3,571.428…, 2,142.857…, 0.
    grades = ["优秀", "合格", "基本合格", "不合格"]
    people = [Person(key, grade=grade) for key, grade in enumerate(grades, start=1)]
    result = distribute(D("10000.00"), people, TIERS)
    # Whole cents 428571 + 357142 + 214285 = 999998; the two cents left over go to the two largest
    # remainders, person 2's .857 and person 3's .714 (person 1's is .428).
    assert amounts(result) == {1: D("4285.71"), 2: D("3571.43"), 3: D("2142.86"), 4: D("0.00")}
    assert sum(amounts(result).values()) == D("10000.00")
    assert result[0].exact == Fraction(1000000 * 12, 28) / 100


def test_score_above_floor_pays_nothing_at_or_below_the_floor_or_without_a_score():
    people = [Person(1, score=D("95")), Person(2, score=D("85")), Person(3, score=D("80")), Person(4)]
    result = distribute(D("3000.00"), people, AboveFloor(D("80")))
    # Weights 15 and 5: 2,250 and 750.
    assert amounts(result) == {1: D("2250.00"), 2: D("750.00"), 3: D("0.00"), 4: D("0.00")}


def test_part_of_the_year_in_post_scales_the_weight():
    people = [Person(1, grade="合格"), Person(2, grade="合格", in_post=D("0.5"))]
    result = distribute(D("1500.00"), people, TIERS)
    assert amounts(result) == {1: D("1000.00"), 2: D("500.00")}
    assert result[1].weight == D("0.5")


@pytest.mark.parametrize(
    ("pool", "people", "method", "message"),
    [
        (D("-1.00"), [Person(1, grade="合格")], TIERS, "zero or more"),
        (D("10.005"), [Person(1, grade="合格")], TIERS, "whole cents"),
        (D("10.00"), [Person(1, grade="优秀"), Person(1, grade="合格")], TIERS, "twice"),
        (D("10.00"), [Person(1, grade="称职")], TIERS, "no coefficient"),
        (D("10.00"), [Person(1, grade="合格", in_post=D("1.5"))], TIERS, "between 0 and 1"),
        (D("10.00"), [Person(1, score=D(60))], AboveFloor(D(80)), "nobody has any weight"),
        (D("10.00"), [Person(1, grade="x")], Tiers({"x": D(-1)}), "negative"),
    ],
)
def test_a_pool_that_cannot_be_shared_is_refused(pool, people, method, message):
    with pytest.raises(PayError, match=message):
        distribute(pool, people, method)


def test_an_empty_pool_pays_everybody_nothing_even_without_weight():
    result = distribute(D("0.00"), [Person(1, score=D(10))], AboveFloor(D(80)))
    assert amounts(result) == {1: D("0.00")}


pools = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) * D("0.01"))
scores = st.decimals(min_value=0, max_value=120, places=2)
people_lists = st.lists(
    st.tuples(scores, st.sampled_from([D(1), D("0.5"), D("0.25"), D("0.75")])), min_size=1, max_size=60
).map(lambda rows: [Person(i, score=s, in_post=p) for i, (s, p) in enumerate(rows, start=1)])


def shareable(people, floor):
    return any(p.score > floor for p in people)


@given(pools, people_lists, st.decimals(min_value=0, max_value=100, places=1))
def test_the_amounts_always_add_up_to_the_pool_exactly(pool, people, floor):
    if not shareable(people, floor) and pool:
        with pytest.raises(PayError):
            distribute(pool, people, AboveFloor(floor))
        return
    result = distribute(pool, people, AboveFloor(floor))
    assert sum((a.amount for a in result), D(0)) == pool
    assert all(a.amount == a.amount.quantize(D("0.01")) and a.amount >= 0 for a in result)


@given(pools, people_lists, st.decimals(min_value=0, max_value=100, places=1))
def test_nobody_is_a_cent_or_more_from_their_exact_share_and_no_weight_means_nothing(pool, people, floor):
    if not shareable(people, floor):
        return
    for a in distribute(pool, people, AboveFloor(floor)):
        assert abs(Fraction(a.amount) - a.exact) < Fraction(1, 100)
        if not a.weight:
            assert a.amount == 0 and not a.extra_cent


@given(pools, people_lists, st.decimals(min_value=0, max_value=100, places=1))
def test_more_weight_never_means_less_money(pool, people, floor):
    if not shareable(people, floor):
        return
    result = sorted(distribute(pool, people, AboveFloor(floor)), key=lambda a: a.weight)
    for lower, higher in zip(result, result[1:], strict=False):
        assert lower.weight == higher.weight or lower.amount <= higher.amount


@given(pools, people_lists)
def test_the_same_input_in_another_order_gives_the_same_amounts(pool, people):
    method = AboveFloor(D(-1))
    assert amounts(distribute(pool, people, method)) == amounts(distribute(pool, people[::-1], method))

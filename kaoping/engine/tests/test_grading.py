"""Annual grades of a pool: the quota, ties at its boundary, vetoes, undetermined cases. No database."""

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine import grading
from kaoping.engine.grading import (
    BELOW_MINIMUM,
    EXCELLENT,
    NO_SCORE,
    OUTSIDE_QUOTA,
    QUOTA,
    TIE_AT_BOUNDARY,
    UNDETERMINED,
    VETO,
    GradingError,
    Member,
    Rules,
    propose,
    propose_pools,
)
from kaoping.engine.ranking import Standing

D = Decimal


def member(key: int, total: str | None, *, veto: int | None = None, why: str = "", **values) -> Member:
    standing = None if total is None else Standing(key, D(total), **{k: D(v) for k, v in values.items()})
    return Member(key, standing, veto_level=veto, undetermined=why)


def levels(outcome) -> dict[int, int | None]:
    return {p.key: p.level for p in outcome.proposals}


# --- The article's year 2022 ---------------------------------------------------------------------


def test_the_articles_28_excellent_agency_cadres_are_20_percent_of_a_pool_of_140():
    pool = [member(k, str(Decimal(60) + Decimal(k) / 4)) for k in range(1, 141)]
    outcome = propose(pool, Rules())
    assert (outcome.pool_size, outcome.quota, outcome.excellent) == (140, 28, 28)
    best = sorted(pool, key=lambda m: m.standing.total, reverse=True)[:28]
    assert {p.key for p in outcome.proposals if p.level == EXCELLENT} == {m.key for m in best}


def test_the_articles_6_excellent_village_heads_and_a_pool_of_34_rounds_down():
    heads = [member(k, str(70 + k)) for k in range(1, 35)]  # 34 × 20% = 6.8: six places
    outcome = propose(heads, Rules())
    assert (outcome.quota, outcome.excellent) == (6, 6)
    assert [p.key for p in outcome.proposals[:7]] == [34, 33, 32, 31, 30, 29, 28]
    assert outcome.by_key()[28].reason == OUTSIDE_QUOTA


# --- Quota ---------------------------------------------------------------------------------------


def test_the_quota_rounds_down_exactly():
    assert grading.quota(D("0.20"), 9) == 1
    assert grading.quota(D("0.20"), 10) == 2
    assert grading.quota(D("0.25"), 7) == 1
    assert grading.quota(D("0.20"), 0) == 0


def test_a_share_above_20_percent_needs_an_approval_and_never_passes_25():
    pool = [member(k, str(80 + k)) for k in range(8)]
    with pytest.raises(GradingError):
        propose(pool, Rules(share=D("0.25")))
    assert propose(pool, Rules(share=D("0.25"), share_approved=True)).quota == 2
    with pytest.raises(GradingError):
        propose(pool, Rules(share=D("0.26"), share_approved=True))


def test_the_lower_grades_follow_the_thresholds():
    pool = [member(1, "95"), member(2, "70.00"), member(3, "69.99"), member(4, "60"), member(5, "59.99")]
    outcome = propose(pool, Rules(thresholds=(D(70), D(60))))
    assert levels(outcome) == {1: EXCELLENT, 2: 1, 3: 2, 4: 2, 5: 3}
    assert outcome.by_key()[3].threshold == D(60)


def test_a_minimum_score_keeps_an_excellent_place_empty():
    pool = [member(k, "80") for k in range(1, 5)] + [member(9, "92")]
    outcome = propose(pool, Rules(excellent_minimum=D(90)))
    assert outcome.quota == 1
    assert levels(outcome)[9] == EXCELLENT
    pool = [member(k, str(80 + k)) for k in range(1, 11)]
    outcome = propose(pool, Rules(excellent_minimum=D(90)))
    assert outcome.excellent == 1  # 2 places; 90.00 reaches the minimum, 89.00 does not
    assert outcome.by_key()[9].reason == BELOW_MINIMUM


# --- Ties at the boundary ------------------------------------------------------------------------


def test_a_tie_broken_by_the_chain_says_which_criterion_decided():
    pool = [member(k, str(70 + k), performance="50") for k in range(1, 9)]
    pool += [member(20, "90", performance="60"), member(21, "90", performance="55")]
    outcome = propose(pool, Rules(tie_breaks=("performance",)))
    assert outcome.quota == 2
    assert levels(outcome)[20] == levels(outcome)[21] == EXCELLENT
    pool[-1] = member(21, "90", performance="55")
    pool.append(member(22, "90", performance="52"))  # three at 90.00 for two places
    outcome = propose(pool, Rules(tie_breaks=("performance",)))
    assert {p.key for p in outcome.proposals if p.level == EXCELLENT} == {20, 21}
    assert outcome.boundary_decided_by is not None
    assert outcome.boundary_decided_by.criterion == "performance"
    assert (outcome.boundary_decided_by.above, outcome.boundary_decided_by.mine) == (D("55.00"), D("52.00"))
    assert outcome.by_key()[22].reason == OUTSIDE_QUOTA


def test_a_tie_nothing_breaks_at_the_boundary_gives_nobody_of_the_tie_excellent():
    pool = [member(k, str(60 + k)) for k in range(1, 9)] + [
        member(20, "95"),
        member(21, "90"),
        member(22, "90"),
    ]
    outcome = propose(pool, Rules())  # 11 members: 2 places, 21 and 22 tie for the second
    assert outcome.quota == 2
    assert outcome.excellent == 1
    assert levels(outcome)[20] == EXCELLENT
    assert outcome.boundary_tie == [21, 22]
    assert outcome.by_key()[21].reason == outcome.by_key()[22].reason == TIE_AT_BOUNDARY
    assert levels(outcome)[21] == levels(outcome)[22] == 1


# --- Vetoes and undetermined cases ---------------------------------------------------------------


def test_a_veto_locks_the_grade_and_takes_no_excellent_place():
    pool = [member(1, "99", veto=2)] + [member(k, str(60 + k)) for k in range(2, 11)]
    outcome = propose(pool, Rules())
    assert outcome.pool_size == 10
    assert outcome.by_key()[1].level == 2
    assert outcome.by_key()[1].reason == VETO
    assert outcome.by_key()[1].rank == 1  # ranked where the score puts them, for the page
    assert {p.key for p in outcome.proposals if p.level == EXCELLENT} == {10, 9}


def test_a_veto_never_locks_excellent():
    with pytest.raises(GradingError):
        propose([member(1, "90", veto=EXCELLENT)], Rules())


def test_undetermined_members_and_members_without_a_score_are_not_counted_in_the_pool():
    pool = [member(k, str(80 + k)) for k in range(1, 11)]
    pool += [member(30, "99", why="probation"), member(31, None)]
    outcome = propose(pool, Rules())
    assert outcome.pool_size == 10
    assert outcome.quota == 2
    assert outcome.by_key()[30].level is None and outcome.by_key()[30].reason == UNDETERMINED
    assert outcome.by_key()[31].level is None and outcome.by_key()[31].reason == NO_SCORE
    assert [p.key for p in outcome.proposals[-2:]] == [30, 31]


def test_pools_are_never_mixed():
    with pytest.raises(GradingError):
        propose_pools({"a": [member(1, "90")], "b": [member(1, "80")]}, {"a": Rules(), "b": Rules()})
    outcomes = propose_pools(
        {
            "a": [member(k, str(90 + k)) for k in range(1, 6)],
            "b": [member(k, str(40 + k)) for k in range(6, 11)],
        },
        {"a": Rules(), "b": Rules()},
    )
    assert {p.key for p in outcomes["a"].proposals} == set(range(1, 6))
    assert outcomes["b"].quota == 1 and outcomes["b"].excellent == 1
    assert outcomes["b"].by_key()[10].level == EXCELLENT  # 50.00 is 优秀 in its own pool


def test_a_hand_change_to_excellent_stays_within_the_quota():
    current = {1: EXCELLENT, 2: EXCELLENT, 3: 1}
    assert not grading.can_change_to(current, 3, EXCELLENT, places=2)
    assert grading.can_change_to(current, 2, EXCELLENT, places=2)
    assert grading.can_change_to(current, 3, 2, places=2)


def test_three_consecutive_excellent_years_are_found_with_the_years():
    assert grading.consecutive_excellent({2024: 0, 2025: 0, 2026: 0}, 2026) == [2024, 2025, 2026]
    assert grading.consecutive_excellent({2023: 0, 2025: 0, 2026: 0}, 2026) == []


def test_the_scales_name_the_levels():
    assert grading.grade_code(grading.CIVIL_SERVANT, 1) == "competent"
    assert grading.grade_code(grading.PUBLIC_INSTITUTION, 3) == "unqualified"
    assert grading.level_of("basically_competent") == 2


# --- Properties ----------------------------------------------------------------------------------

totals = st.decimals(min_value=0, max_value=100, places=2)
cases = st.sampled_from(["", "", "", "", "probation"])
vetoes = st.sampled_from([None, None, None, None, 1, 2, 3])


@st.composite
def pools(draw):
    size = draw(st.integers(min_value=0, max_value=40))
    drawn = []
    for key in range(1, size + 1):
        total = draw(st.one_of(st.none(), totals)) if draw(st.integers(0, 9)) == 0 else draw(totals)
        standing = None if total is None else Standing(key, total, performance=draw(totals))
        drawn.append(Member(key, standing, veto_level=draw(vetoes), undetermined=draw(cases)))
    return drawn


shares = st.sampled_from([D("0"), D("0.15"), D("0.20"), D("0.25")])


@settings(max_examples=300, deadline=None)
@given(pool=pools(), share=shares, chain=st.sampled_from([(), ("performance",)]))
def test_excellent_never_exceeds_the_floor_of_share_times_pool(pool, share, chain):
    outcome = propose(pool, Rules(share=share, share_approved=True, tie_breaks=chain))
    counted = [m for m in pool if not m.undetermined and m.standing is not None]
    assert outcome.pool_size == len(counted)
    excellent = [p for p in outcome.proposals if p.level == EXCELLENT]
    assert len(excellent) == outcome.excellent <= math.floor(share * len(counted))
    assert outcome.quota == math.floor(share * len(counted))


@settings(max_examples=300, deadline=None)
@given(pool=pools())
def test_a_veto_always_locks_and_undetermined_members_get_no_grade(pool):
    outcome = propose(pool, Rules()).by_key()
    assert set(outcome) == {m.key for m in pool}
    for m in pool:
        if m.undetermined:
            assert outcome[m.key].level is None and outcome[m.key].reason == UNDETERMINED
        elif m.standing is None:
            assert outcome[m.key].level is None
        elif m.veto_level is not None:
            assert outcome[m.key].level == m.veto_level and outcome[m.key].reason == VETO


@settings(max_examples=200, deadline=None)
@given(pool=pools())
def test_an_excellent_member_outranks_every_eligible_member_without_it(pool):
    outcome = propose(pool, Rules()).by_key()
    excellent = [outcome[k].rank for k in outcome if outcome[k].reason == QUOTA]
    others = [p.rank for p in outcome.values() if p.reason in (OUTSIDE_QUOTA, TIE_AT_BOUNDARY)]
    if excellent and others:
        assert max(excellent) < min(others)

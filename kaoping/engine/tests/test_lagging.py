"""The lagging list's rule, with the article's three rules as worked examples. No database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine.lagging import Missing, MonthRanking, Rule, lagging_list, rank_month, window
from kaoping.engine.ranking import Placed, Standing

D = Decimal
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def month(when: date, totals: dict[int, str], absent: dict[int, str] | None = None, **kw) -> MonthRanking:
    standings = [
        Standing(key, D(total), performance=D(kw.get("performance", {}).get(key, total)))
        for key, total in totals.items()
    ]
    return rank_month(when, standings, kw.get("chain", ()), absent)


def names(outcome) -> list[int]:
    return [entry.key for entry in outcome.listed]


# --- The article's three rules -------------------------------------------------------------------

LEADERS_FEB = {1: "95", 2: "90", 3: "88", 4: "80"}
LEADERS_MAR = {1: "93", 2: "91", 3: "79", 4: "85"}


def test_a_leadership_member_last_in_two_consecutive_months_is_listed():
    rule = Rule(bottom=1, months=2)
    outcome = lagging_list(rule, [month(FEB, LEADERS_FEB), month(MAR, {**LEADERS_MAR, 3: "86", 4: "70"})])
    assert names(outcome) == [4]
    (entry,) = outcome.listed
    assert [(line.month, line.rank, line.of, line.total) for line in entry.lines] == [
        (FEB, 4, 4, D("80.00")),
        (MAR, 4, 4, D("70.00")),
    ]


def test_last_in_only_one_of_the_two_months_is_not_enough():
    outcome = lagging_list(Rule(bottom=1, months=2), [month(FEB, LEADERS_FEB), month(MAR, LEADERS_MAR)])
    assert names(outcome) == []  # 4 was last in February, 3 in March


AGENCY = {key: str(100 - key) for key in range(1, 13)}  # 12 agency cadres, key 12 last


def test_the_bottom_five_agency_cadres_of_the_quarters_last_month_are_listed():
    outcome = lagging_list(Rule(bottom=5), [month(MAR, AGENCY)])
    assert names(outcome) == [8, 9, 10, 11, 12]
    assert outcome.months == (MAR,)


def test_the_bottom_three_village_heads_are_listed():
    heads = {key: str(90 - key) for key in range(1, 9)}
    assert names(lagging_list(Rule(bottom=3), [month(MAR, heads)])) == [6, 7, 8]


def test_with_the_consecutive_reading_the_bottom_five_must_hold_in_both_months():
    february = {**AGENCY, 8: "99.5"}  # 8 was near the top in February
    outcome = lagging_list(Rule(bottom=5, months=2), [month(FEB, february), month(MAR, AGENCY)])
    assert names(outcome) == [9, 10, 11, 12]


# --- Ties at the boundary ------------------------------------------------------------------------


def test_a_tie_on_everything_across_the_boundary_lists_both_and_says_so():
    totals = {1: "90", 2: "85", 3: "80", 4: "80"}
    outcome = lagging_list(Rule(bottom=1), [month(MAR, totals)])
    assert names(outcome) == [3, 4]
    assert [(o.month, o.count) for o in outcome.overflow] == [(MAR, 2)]
    assert all(entry.lines[0].rank == 3 for entry in outcome.listed)
    assert [entry.lines[0].tied_in for entry in outcome.listed] == [True, True]


def test_a_tie_the_chain_separates_lists_one_and_shows_why():
    totals = {1: "90", 2: "85", 3: "80", 4: "80"}
    ranked = month(MAR, totals, performance={3: "70", 4: "75"}, chain=("performance",))
    outcome = lagging_list(Rule(bottom=1), [ranked])
    assert names(outcome) == [3]
    assert outcome.overflow == ()
    decision = outcome.listed[0].lines[0].decided_by
    assert decision is not None
    assert (decision.criterion, decision.above, decision.mine, decision.above_key) == (
        "performance",
        D("75.00"),
        D("70.00"),
        4,
    )


# --- Months without a result ---------------------------------------------------------------------


def test_a_missing_month_counts_as_not_bottom_and_the_cadre_is_named_apart():
    february = {1: "95", 2: "90", 3: "88"}  # 4 was on leave
    outcome = lagging_list(
        Rule(bottom=1, months=2),
        [month(FEB, february, absent={4: "产假"}), month(MAR, LEADERS_MAR | {4: "70"})],
    )
    assert names(outcome) == []
    (apart,) = outcome.apart
    assert apart.key == 4
    assert apart.lines[0].rank is None and apart.lines[0].absent == "产假"


def test_a_missing_month_can_be_skipped_by_the_rule():
    february = {1: "95", 2: "90", 3: "88"}
    rule = Rule(bottom=1, months=2, missing=Missing.SKIP)
    outcome = lagging_list(
        rule, [month(FEB, february, absent={4: "产假"}), month(MAR, LEADERS_MAR | {4: "70"})]
    )
    assert names(outcome) == [4]
    assert outcome.listed[0].lines[0].absent == "产假"
    assert outcome.apart == ()


def test_too_few_consecutive_published_months_list_nobody_and_say_so():
    outcome = lagging_list(Rule(bottom=1, months=2), [month(MAR, LEADERS_MAR)])
    assert outcome.short and names(outcome) == []


def test_the_window_is_the_run_of_published_months_ending_with_the_last():
    assert window([date(2025, 12, 1), JAN, FEB], FEB, 3) == ((date(2025, 12, 1), JAN, FEB), False)
    assert window([JAN, MAR], MAR, 2) == ((MAR,), True)  # February is not published: no run
    assert window([JAN, FEB, MAR], MAR, 1) == ((MAR,), False)


def test_a_rule_needs_at_least_one_month_and_one_place():
    with pytest.raises(ValueError):
        Rule(bottom=0)
    with pytest.raises(ValueError):
        Rule(bottom=1, months=0)


def test_published_ranks_give_the_same_list_as_ranking_again():
    ranked = month(MAR, AGENCY)
    from_ranks = MonthRanking(MAR, tuple(Placed(p.key, p.rank) for p in ranked.placed), ranked.totals)
    assert names(lagging_list(Rule(bottom=5), [from_ranks])) == names(lagging_list(Rule(bottom=5), [ranked]))


# --- Properties ----------------------------------------------------------------------------------

scores = st.integers(min_value=60, max_value=70)  # a narrow range: many ties
pool = st.dictionaries(st.integers(1, 15), scores, min_size=1, max_size=15)


@st.composite
def quarters(draw):
    keys = draw(st.sets(st.integers(1, 15), min_size=1, max_size=15))
    count = draw(st.integers(1, 3))
    months = []
    for when in (JAN, FEB, MAR)[3 - count :]:
        present = {k for k in keys if draw(st.booleans()) or draw(st.booleans())}
        totals = {k: str(draw(scores)) for k in present}
        months.append(month(when, totals, absent={k: "请假" for k in keys - present}))
    rule = Rule(
        bottom=draw(st.integers(1, 6)),
        months=draw(st.integers(1, count)),
        missing=draw(st.sampled_from(list(Missing))),
    )
    return rule, months[len(months) - rule.months :]


def _bottom_by_hand(ranked: MonthRanking, bottom: int) -> set[int]:
    """Who is in the bottom K, counted afresh: fewer than K cadres are placed strictly below them."""
    return {p.key for p in ranked.placed if sum(q.rank > p.rank for q in ranked.placed) < bottom}


@settings(max_examples=300, deadline=None)
@given(quarters())
def test_a_cadre_is_listed_only_if_in_the_bottom_k_of_every_month_the_rule_looks_at(case):
    rule, months = case
    outcome = lagging_list(rule, months)
    for entry in outcome.listed:
        for ranked in months:
            if entry.key in ranked.totals:
                assert entry.key in _bottom_by_hand(ranked, rule.bottom)
            else:
                assert rule.missing == Missing.SKIP
        assert any(entry.key in ranked.totals for ranked in months)


@settings(max_examples=300, deadline=None)
@given(quarters())
def test_every_cadre_in_the_bottom_of_every_month_is_listed_or_named_apart(case):
    rule, months = case
    outcome = lagging_list(rule, months)
    shown = {e.key for e in outcome.listed} | {e.key for e in outcome.apart}
    everyone = {k for m in months for k in m.totals}
    for key in everyone:
        if all(key in _bottom_by_hand(m, rule.bottom) for m in months if key in m.totals):
            assert key in shown


@settings(max_examples=300, deadline=None)
@given(quarters())
def test_a_month_lists_more_than_k_only_when_a_tie_forces_it_and_says_so(case):
    rule, months = case
    outcome = lagging_list(rule, months)
    overflow = {o.month: o.count for o in outcome.overflow}
    for ranked in months:
        in_bottom = _bottom_by_hand(ranked, rule.bottom)
        listed_here = {e.key for e in outcome.listed if e.key in ranked.totals}
        assert listed_here <= in_bottom
        if len(in_bottom) > rule.bottom:
            assert overflow[ranked.month] == len(in_bottom)
            ranks = [p.rank for p in ranked.placed if p.key in in_bottom]
            assert len(ranks) != len(set(ranks))  # a shared rank is what made it more than K
        else:
            assert ranked.month not in overflow

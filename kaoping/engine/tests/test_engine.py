"""Worked examples of the scoring engine, each small enough to check by hand.

The arithmetic in each comment is the check: the expected numbers were worked out on paper from the
domain guide's conventions, not copied from the engine's output. No database here.
"""

import re
from decimal import Decimal

import pytest

from kaoping.engine.engine import (
    Adjustment,
    EngineError,
    Entry,
    IndicatorSpec,
    ProcessPoint,
    Result,
    Rule,
    RuleKind,
    SchemeVersion,
    VetoEffect,
    compute,
    fraction,
    peer_best,
)

D = Decimal

PARTY, GROWTH = 1, 2  # two categories: 党的建设 and 新旧动能转换


def manual(max_score: str = "100") -> Rule:
    return Rule(RuleKind.MANUAL, D(max_score))


def indicator(id: int, rule: Rule, weight: str = "1", category: int = PARTY) -> IndicatorSpec:
    return IndicatorSpec(id=id, category_id=category, weight=D(weight), rule=rule)


def scheme(*indicators: IndicatorSpec, **options: Decimal | None) -> SchemeVersion:
    return SchemeVersion(indicators=indicators, **options)


def score(version: SchemeVersion, values: dict[int, str], **kwargs) -> Result:
    """One cadre (id 7), its raw values by indicator id."""
    entries = [Entry(7, indicator_id, D(value)) for indicator_id, value in values.items()]
    return compute(version, [7], entries, **kwargs)[7]


def bonus(id: int, points: str, cadre: int = 7) -> Adjustment:
    return Adjustment(id=id, cadre_id=cadre, is_bonus=True, points=D(points))


def deduction(id: int, points: str, cadre: int = 7) -> Adjustment:
    return Adjustment(id=id, cadre_id=cadre, is_bonus=False, points=D(points))


# A scheme on which performance is exactly the manual score entered: one indicator, max 100.
FLAT = scheme(indicator(1, manual()))


# --- Rule kinds ---------------------------------------------------------------------------------


def test_a_manual_score_is_its_share_of_the_maximum():
    # 15 of 20 = 0.75; one indicator on scale 100 → 75.00
    assert fraction(manual("20"), D(15)) == (D("0.75"), "")
    assert score(scheme(indicator(1, manual("20"))), {1: "15"}).total == D("75.00")


def test_completion_is_the_ratio_of_the_target():
    rule = Rule(RuleKind.COMPLETION, D(10), target=D(200))
    # 150 done of a target of 200 = 0.75
    assert fraction(rule, D(150)) == (D("0.75"), "150 / 200")


def test_over_achievement_earns_full_marks_and_no_more():
    rule = Rule(RuleKind.COMPLETION, D(10), target=D(200))
    # 260 / 200 = 1.3, capped at 1: over-achievement does not buy points elsewhere
    assert fraction(rule, D(260))[0] == 1
    assert score(scheme(indicator(1, rule)), {1: "260"}).total == D("100.00")


def test_pass_fail_is_all_or_nothing():
    rule = Rule(RuleKind.PASS_FAIL, D(5))
    assert fraction(rule, D(1))[0] == 1
    assert fraction(rule, D(0))[0] == 0


def test_incidents_deduct_from_the_maximum():
    rule = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(2))
    # 3 incidents × 2 = 6 off 10 → 4 of 10 = 0.4
    assert fraction(rule, D(3)) == (D("0.4"), "3 × 2 = 6")


def test_a_deduction_cap_limits_what_incidents_can_take():
    rule = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(2), cap=D(5))
    # 3 × 2 = 6, capped at 5 → 10 - 5 = 5 of 10 = 0.5
    assert fraction(rule, D(3)) == (D("0.5"), "3 × 2 = 6, ≤ 5")


def test_without_a_cap_incidents_cannot_take_more_than_the_maximum():
    rule = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(2))
    # 7 × 2 = 14, but only 10 can be lost → 0, never negative
    assert fraction(rule, D(7)) == (D(0), "7 × 2 = 14, ≤ 10")


def test_achievements_add_points_from_zero():
    rule = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(3), adds=True)
    # 2 achievements × 3 = 6 of 10 = 0.6
    assert fraction(rule, D(2))[0] == D("0.6")


def test_added_points_stop_at_the_cap_or_the_maximum():
    capped = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(3), cap=D(8), adds=True)
    uncapped = Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(3), adds=True)
    # 4 × 3 = 12, capped at 8 → 0.8; 5 × 3 = 15 without a cap stops at the maximum 10 → 1
    assert fraction(capped, D(4))[0] == D("0.8")
    assert fraction(uncapped, D(5))[0] == 1


@pytest.mark.parametrize(
    ("place", "points"),
    [
        (1, "60"),  # first: the maximum
        (2, "57"),  # 60 - 3
        (3, "54"),  # 60 - 2 × 3
        (20, "3"),  # 60 - 19 × 3
        (21, "0"),  # 60 - 20 × 3: the ladder's floor
        (25, "0"),  # 60 - 24 × 3 = -12, but never below 0
    ],
)
def test_the_city_ranking_maps_to_a_ladder_of_points(place, points):
    rule = Rule(RuleKind.RANK, D(60), ladder_step=D(3))
    share, note = fraction(rule, D(place))
    assert share * 60 == D(points)
    assert note == f"#{place} → {points}"


def test_proportional_rank_compares_each_value_with_the_best_peer():
    rule = Rule(RuleKind.RANK, D(10), proportional=True)
    version = scheme(indicator(1, rule))
    entries = [Entry(1, 1, D(60)), Entry(2, 1, D(80)), Entry(3, 1, D(0))]
    results = compute(version, [1, 2, 3], entries)
    # the best peer is cadre 2 with 80: 60/80 = 0.75, 80/80 → full marks, 0/80 = 0
    assert [results[c].total for c in (1, 2, 3)] == [D("75.00"), D("100.00"), D("0.00")]
    assert results[1].lines[0].note == "60 / 80"
    # A whole month is stored without lines: the same best peer, the same totals.
    totals = compute(version, [1, 2, 3], entries, explain=False)
    assert [totals[c].total for c in (1, 2, 3)] == [D("75.00"), D("100.00"), D("0.00")]


def test_a_proportional_share_is_worked_out_against_the_best_value_given():
    share, note = fraction(Rule(RuleKind.RANK, D(6), proportional=True), D(5), best=D(10))
    assert (share, note) == (D("0.5"), "5 / 10")


def test_the_peer_best_is_the_highest_value_of_each_proportional_indicator_among_the_cadres():
    proportional = indicator(1, Rule(RuleKind.RANK, D(6), proportional=True))
    ladder = indicator(2, Rule(RuleKind.RANK, D(6), ladder_step=D(1)))
    version = scheme(proportional, ladder, indicator(3, manual()))
    entries = [
        Entry(1, 1, D(4)),
        Entry(2, 1, D(9)),
        Entry(3, 1, D(12)),
        Entry(1, 2, D(1)),
        Entry(1, 3, D(99)),
    ]
    # cadre 3 is not among those counted: their 12 is not the benchmark
    assert peer_best(version, [1, 2], entries) == {1: D(9)}
    assert peer_best(version, [], entries) == {1: D(0)}


@pytest.mark.parametrize(
    ("value", "target", "note"),
    [
        ("30.00", "100", "30 / 100"),
        ("1.50", "2.0", "1.5 / 2"),
        ("1E+1", "100", "10 / 100"),
        ("7", "70", "7 / 70"),
        ("100", "100.00", "100 / 100"),  # zeros before the point stay
        ("0.00", "4", "0 / 4"),
    ],
)
def test_a_note_writes_numbers_as_people_do(value, target, note):
    assert fraction(Rule(RuleKind.COMPLETION, D(5), target=D(target)), D(value))[1] == note


def test_proportional_rank_with_nobody_above_zero_gives_zero():
    rule = Rule(RuleKind.RANK, D(10), proportional=True)
    assert fraction(rule, D(0), best=D(0)) == (D(0), "best = 0")


# --- Vetoes (一票否决) ----------------------------------------------------------------------------


def veto_scheme(effect: VetoEffect) -> SchemeVersion:
    # Party building: a manual indicator (weight 30) and a veto (no weight of its own);
    # growth drivers: a manual indicator (weight 70).
    return scheme(
        indicator(1, manual(), weight="30", category=PARTY),
        indicator(2, Rule(RuleKind.VETO, D(0), veto_effect=effect), weight="0", category=PARTY),
        indicator(3, manual(), weight="70", category=GROWTH),
    )


def test_without_a_veto_incident_the_veto_changes_nothing():
    result = score(veto_scheme(VetoEffect.ZERO_CATEGORY), {1: "90", 2: "1", 3: "80"})
    # 100 × (0.9 × 30 + 0.8 × 70) / 100 = 27 + 56 = 83
    assert result.total == D("83.00")
    assert result.vetoes == []
    assert not result.grade_capped


def test_a_veto_zeroes_its_own_category_but_not_the_others():
    result = score(veto_scheme(VetoEffect.ZERO_CATEGORY), {1: "90", 2: "0", 3: "80"})
    # Party building's 27 is lost; growth drivers keep 56
    assert result.total == D("56.00")
    assert result.vetoes == [2]
    by_id = {line.indicator_id: line for line in result.lines}
    assert by_id[1].vetoed and by_id[1].points == 0 and by_id[1].raw == D(90)
    assert not by_id[3].vetoed and by_id[3].points == 56
    assert not result.grade_capped


def test_a_grade_capping_veto_leaves_the_score_alone():
    result = score(veto_scheme(VetoEffect.CAP_GRADE), {1: "90", 2: "0", 3: "80"})
    # the score stays 83; the grade is what the veto locks (no honours this year)
    assert result.total == D("83.00")
    assert result.grade_capped
    assert result.vetoes == [2]
    assert not any(line.vetoed for line in result.lines)


# --- Weights ------------------------------------------------------------------------------------


def weighted(first: str, second: str) -> SchemeVersion:
    return scheme(
        indicator(1, manual("10"), weight=first),
        indicator(2, Rule(RuleKind.COMPLETION, D(10), target=D(100)), weight=second),
    )


def test_weights_share_the_scale_between_indicators():
    result = score(weighted("30", "70"), {1: "8", 2: "50"})
    # 8 of 10 = 0.8 and 50 of 100 = 0.5: 100 × (0.8 × 30 + 0.5 × 70) / 100 = 24 + 35 = 59
    assert [line.points for line in result.lines] == [24, 35]
    assert result.performance == 59
    assert result.total == D("59.00")


def test_weights_are_relative_so_30_70_and_3_7_agree():
    assert score(weighted("3", "7"), {1: "8", 2: "50"}).total == D("59.00")


def test_an_indicator_weighted_zero_this_month_is_not_in_force():
    version = scheme(*weighted("30", "70").indicators, indicator(3, manual(), weight="0"))
    # indicator 3 neither adds points nor dilutes the others: still 59
    result = score(version, {1: "8", 2: "50", 3: "100"})
    assert result.total == D("59.00")
    assert [line.indicator_id for line in result.lines] == [1, 2]


def test_a_missing_entry_counts_zero_and_shows_as_not_scored():
    result = score(weighted("30", "70"), {1: "8"})
    # 24 + 0 = 24
    assert result.total == D("24.00")
    missing = result.lines[1]
    assert missing.raw is None and missing.fraction == 0 and missing.points == 0


# --- Bonus and deduction ------------------------------------------------------------------------


def test_bonuses_stop_at_the_monthly_cap_in_the_order_they_were_entered():
    version = scheme(indicator(1, manual()), bonus_cap_month=D(1))
    result = score(version, {1: "80"}, adjustments=[bonus(2, "0.8"), bonus(1, "0.6")])
    # cap 1: the earlier entry (id 1) takes 0.6, the later one the 0.4 left → 80 + 1 = 81
    assert [(line.adjustment_id, line.applied) for line in result.adjustments] == [
        (1, D("0.6")),
        (2, D("0.4")),
    ]
    assert result.bonus == 1
    assert result.total == D("81.00")
    assert "bonus cap" in result.notes


def test_bonuses_stop_at_what_is_left_of_the_yearly_cap():
    version = scheme(indicator(1, manual()), bonus_cap_month=D(1), bonus_cap_year=D(3))
    result = score(version, {1: "80"}, adjustments=[bonus(1, "0.8")], bonus_used_this_year={7: D("2.5")})
    # 3 - 2.5 = 0.5 left of the year, below the month's 1 → 80 + 0.5
    assert result.bonus == D("0.5")
    assert result.total == D("80.50")


def test_a_spent_yearly_cap_leaves_no_room_at_all():
    version = scheme(indicator(1, manual()), bonus_cap_year=D(3))
    result = score(version, {1: "80"}, adjustments=[bonus(1, "0.8")], bonus_used_this_year={7: D("3.2")})
    assert result.bonus == 0
    assert result.total == D("80.00")


def test_an_uncapped_scheme_takes_every_bonus():
    result = score(FLAT, {1: "80"}, adjustments=[bonus(1, "2"), bonus(2, "2.5")])
    assert result.total == D("84.50")
    assert result.notes == []


def test_deductions_have_their_own_monthly_and_yearly_caps():
    version = scheme(indicator(1, manual()), deduction_cap_month=D(2), deduction_cap_year=D(5))
    month = score(version, {1: "80"}, adjustments=[deduction(1, "1.5"), deduction(2, "1")])
    # month cap 2: 1.5 + 0.5 → 80 - 2 = 78
    assert month.deduction == 2 and month.total == D("78.00")
    assert "deduction cap" in month.notes
    year = score(version, {1: "80"}, adjustments=[deduction(1, "1.5")], deduction_used_this_year={7: D(4)})
    # year cap 5, 4 used: 1 left → 80 - 1 = 79
    assert year.deduction == 1 and year.total == D("79.00")


def test_bonus_and_deduction_both_count():
    result = score(FLAT, {1: "80"}, adjustments=[bonus(1, "1"), deduction(2, "2.5")])
    # 80 + 1 - 2.5 = 78.5
    assert result.total == D("78.50")


def test_an_assessment_never_goes_below_zero():
    result = score(FLAT, {1: "2"}, adjustments=[deduction(1, "5")])
    # 2 - 5 = -3 → 0
    assert result.assessment == 0
    assert result.total == D("0.00")
    assert "floor" in result.notes


def test_full_marks_plus_the_monthly_bonus_cap_is_the_ceiling():
    version = scheme(indicator(1, manual()), bonus_cap_month=D(1))
    result = score(version, {1: "100"}, adjustments=[bonus(1, "3")])
    # 100 + min(3, 1) = 101 = scale + monthly cap
    assert result.total == D("101.00")


def test_adjustments_of_other_cadres_do_not_count():
    result = score(FLAT, {1: "80"}, adjustments=[bonus(1, "2", cadre=8)])
    assert result.total == D("80.00")
    assert result.adjustments == []


# --- Democratic evaluation (民主评议) -----------------------------------------------------------


def test_the_democratic_score_counts_twenty_percent():
    result = score(FLAT, {1: "90"}, democratic={7: D(85)})
    # 0.8 × 90 + 0.2 × 85 = 72 + 17 = 89
    assert result.assessment == 90
    assert result.democratic == 85
    assert result.total == D("89.00")


def test_the_democratic_share_is_configurable():
    version = scheme(indicator(1, manual()), democratic_share=D("0.3"))
    # 0.7 × 90 + 0.3 × 85 = 63 + 25.5 = 88.5
    assert score(version, {1: "90"}, democratic={7: D(85)}).total == D("88.50")


def test_without_a_democratic_score_the_total_is_the_assessment():
    result = score(FLAT, {1: "90"}, democratic={8: D(85)})
    assert result.democratic is None
    assert result.total == D("90.00")


# --- Rounding -----------------------------------------------------------------------------------


def test_lines_are_not_rounded_before_they_are_added():
    version = scheme(*(indicator(i, manual()) for i in (1, 2, 3)))
    result = score(version, {1: "10", 2: "10", 3: "10"})
    # each line is 100 × 0.1 × 1/3 = 3.333…; rounded line by line 3.33 × 3 = 9.99, summed first 10.00
    assert all(D("3.333") < line.points < D("3.334") for line in result.lines)
    assert result.total == D("10.00")


def test_a_half_cent_rounds_up():
    # 0.8 × 80 + 0.2 × 82.625 = 64 + 16.525 = 80.525 → 80.53 (half-even would give 80.52)
    assert score(FLAT, {1: "80"}, democratic={7: D("82.625")}).total == D("80.53")


def test_an_exact_half_cent_rounds_up_even_when_the_shares_do_not_terminate():
    version = scheme(indicator(1, manual("30"), weight="35"), indicator(2, manual("60"), weight="25"))
    result = score(version, {1: "15.5", 2: "2.5"})
    # 100 × (15.5/30 × 35 + 2.5/60 × 25) / 60 = 100 × (18.08333… + 1.041666…) / 60
    #   = 100 × 19.125 / 60 = 31.875 exactly → 31.88; cut at 28 digits it would be 31.87499… → 31.87
    assert result.total == D("31.88")


def test_the_total_has_two_places():
    assert str(score(FLAT, {1: "90"}).total) == "90.00"


# --- Input the engine refuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        (manual("20"), "20.5", "exceed the indicator's maximum"),
        (manual("20"), "-1", "negative"),
        (Rule(RuleKind.RANK, D(60), ladder_step=D(3)), "0", "a rank is a whole number"),
        (Rule(RuleKind.RANK, D(60), ladder_step=D(3)), "2.5", "a rank is a whole number"),
        (Rule(RuleKind.PASS_FAIL, D(5)), "2", "1 or 0"),
        (Rule(RuleKind.VETO, D(0)), "0.5", "1 or 0"),
        (Rule(RuleKind.PER_OCCURRENCE, D(10), points_each=D(2)), "1.5", "whole number"),
        (Rule(RuleKind.COMPLETION, D(10)), "5", "needs a target"),
        (manual(), "Infinity", "must be a number"),
    ],
)
def test_a_value_the_rule_cannot_accept_is_an_error_not_a_number(rule, value, message):
    with pytest.raises(EngineError, match=message):
        fraction(rule, D(value))
    with pytest.raises(EngineError, match=message):
        score(scheme(indicator(1, rule)), {1: value})


def test_two_entries_for_one_cadre_and_indicator_are_refused():
    # whichever came last would otherwise win, and the order of the input would decide the score
    with pytest.raises(EngineError, match="two entries"):
        compute(FLAT, [7], [Entry(7, 1, D(80)), Entry(7, 1, D(90))])


def test_an_indicator_listed_twice_is_refused():
    with pytest.raises(EngineError, match="twice"):
        compute(scheme(indicator(1, manual()), indicator(1, manual())), [7], [])


def test_a_negative_weight_is_refused():
    with pytest.raises(EngineError, match="weight"):
        compute(scheme(indicator(1, Rule(RuleKind.VETO, D(0)), weight="-5")), [7], [])


def test_each_bonus_and_deduction_line_says_which_it_is():
    result = score(FLAT, {1: "80"}, adjustments=[bonus(1, "2"), deduction(2, "1.5")])
    assert [(a.adjustment_id, a.is_bonus, a.points, a.applied) for a in result.adjustments] == [
        (1, True, D(2), D(2)),
        (2, False, D("1.5"), D("1.5")),
    ]


def test_negative_adjustment_points_are_refused():
    with pytest.raises(EngineError, match="^adjustment points are entered as positive numbers$"):
        score(FLAT, {1: "80"}, adjustments=[deduction(1, "-2")])


@pytest.mark.parametrize("democratic", ["-1", "100.01"])
def test_a_democratic_score_outside_0_to_100_is_refused(democratic):
    with pytest.raises(EngineError, match="democratic"):
        score(FLAT, {1: "80"}, democratic={7: D(democratic)})


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        (manual("10"), "NaN", "a value must be a number"),
        (manual("10"), "-1", "a value cannot be negative"),
        (Rule(RuleKind.PER_OCCURRENCE, D(-4), points_each=D(1)), "1", "a maximum cannot be negative"),
        (manual("10"), "11", "a score cannot exceed the indicator's maximum"),
        (Rule(RuleKind.PASS_FAIL, D(5)), "2", "pass/fail takes 1 or 0"),
        (Rule(RuleKind.COMPLETION, D(5)), "1", "a completion rule needs a target"),
        (
            Rule(RuleKind.PER_OCCURRENCE, D(4), points_each=D(1)),
            "1.5",
            "a number of occurrences is a whole number",
        ),
        (Rule(RuleKind.RANK, D(6), ladder_step=D(1)), "0", "a rank is a whole number from 1"),
    ],
)
def test_a_value_the_rule_cannot_score_is_refused_saying_why(rule, value, message):
    with pytest.raises(EngineError, match=_exactly(message)):
        fraction(rule, D(value))


def test_input_the_engine_cannot_score_is_refused_saying_why():
    version = scheme(indicator(1, manual()))
    cases = [
        (
            lambda: compute(version, [7], [Entry(7, 1, D(1)), Entry(7, 1, D(2))]),
            "a cadre has two entries for the same indicator",
        ),
        (
            lambda: compute(scheme(indicator(1, manual()), indicator(1, manual())), [7], []),
            "an indicator appears twice in the scheme",
        ),
        (
            lambda: compute(scheme(indicator(1, manual(), weight="-1")), [7], []),
            "a weight cannot be negative",
        ),
        (
            lambda: score(version, {1: "1"}, process={7: [ProcessPoint(1, D("NaN"), "x")]}),
            "process points must be numbers",
        ),
        (lambda: score(version, {1: "1"}, democratic={7: D(101)}), "a democratic score is between 0 and 100"),
    ]
    for call, message in cases:
        with pytest.raises(EngineError, match=_exactly(message)):
            call()


def test_an_indicator_with_a_maximum_of_zero_earns_nothing():
    # 0 of 0 is no share of the marks (not all of them), by hand, by ladder and by count.
    assert fraction(manual("0"), D(0)) == (D(0), "")
    assert fraction(Rule(RuleKind.RANK, D(0), ladder_step=D(1)), D(1))[0] == 0
    assert fraction(Rule(RuleKind.PER_OCCURRENCE, D(0), points_each=D(1)), D(0))[0] == 0


def test_a_pass_or_a_veto_line_has_no_note_and_an_empty_cell_none():
    assert fraction(Rule(RuleKind.PASS_FAIL, D(5)), D(1)) == (D(1), "")
    assert fraction(Rule(RuleKind.VETO, D(1)), D(0)) == (D(0), "")
    result = score(
        scheme(indicator(1, manual("10"), weight="3", category=GROWTH), indicator(2, manual())), {2: "5"}
    )
    empty = result.lines[0]
    assert (empty.indicator_id, empty.category_id, empty.weight, empty.raw) == (1, GROWTH, D(3), None)
    assert (empty.fraction, empty.points, empty.note, empty.vetoed) == (0, 0, "", False)


def test_a_scheme_with_only_a_veto_of_weight_zero_scores_nothing():
    # The veto is in force (it can fire) but weighs nothing: no points, whatever the scale.
    result = score(scheme(indicator(1, Rule(RuleKind.VETO, D(1)), weight="0")), {1: "1"})
    assert (result.performance, result.total, result.vetoes) == (0, 0, [])


def test_the_floor_and_the_ceiling_apply_only_past_them():
    at_zero = score(FLAT, {1: "0"})
    assert (at_zero.assessment, at_zero.notes) == (0, [])
    half = score(FLAT, {1: "0.5"})
    assert (half.assessment, half.total, half.notes) == (D("0.5"), D("0.50"), [])
    capped = scheme(indicator(1, manual()), bonus_cap_month=D(3))
    at_ceiling = score(capped, {1: "100"}, adjustments=[bonus(1, "3")])
    assert (at_ceiling.assessment, at_ceiling.notes) == (103, [])  # 100 + 3 is the ceiling itself
    past = score(
        capped, {1: "100"}, adjustments=[bonus(1, "3")], process={7: [ProcessPoint(1, D(2), "督办")]}
    )
    assert (past.assessment, past.notes) == (103, ["ceiling"])  # 100 + 3 + 2, held at 103


def test_a_month_without_supervision_points_adds_a_decimal_zero():
    result = score(FLAT, {1: "50"})
    assert result.process_total == 0 and isinstance(result.process_total, Decimal)


def test_each_bonus_line_keeps_its_reason():
    result = score(FLAT, {1: "50"}, adjustments=[Adjustment(1, 7, True, D(1), "改革创新")])
    assert [(a.adjustment_id, a.reason) for a in result.adjustments] == [(1, "改革创新")]


def test_a_count_reaching_its_cap_exactly_is_not_said_to_be_capped():
    rule = Rule(RuleKind.PER_OCCURRENCE, D(5), points_each=D(1), cap=D(3))
    assert fraction(rule, D(3)) == (D("0.4"), "3 × 1 = 3")  # 5 − 3 = 2 of 5
    assert fraction(rule, D(4)) == (D("0.4"), "4 × 1 = 4, ≤ 3")


def test_an_unknown_rule_is_refused_by_name():
    with pytest.raises(EngineError, match=_exactly("unknown rule nonsense")):
        fraction(Rule("nonsense", D(5)), D(1))  # type: ignore[arg-type]


def test_a_democratic_score_of_exactly_0_or_100_counts():
    # 0.8 × 50 + 0.2 × 0 = 40; 0.8 × 50 + 0.2 × 100 = 60
    assert score(FLAT, {1: "50"}, democratic={7: D(0)}).total == D("40.00")
    assert score(FLAT, {1: "50"}, democratic={7: D(100)}).total == D("60.00")

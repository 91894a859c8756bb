from decimal import Decimal

from .. import tally

W = {
    "leadership": Decimal(40),
    "middle_level": Decimal(30),
    "established": Decimal(20),
    "non_established": Decimal(10),
}
SCALE = {"excellent": Decimal(95), "competent": Decimal(85), "basic": Decimal(75), "incompetent": Decimal(65)}


def b(kind, grade, target=1):
    return kind, {str(target): {"overall": grade}}


def test_the_score_is_the_weighted_mean_of_the_per_class_means():
    ballots = [
        b("leadership", "excellent"),
        b("leadership", "competent"),  # mean 90
        b("middle_level", "competent"),  # 85
        b("established", "basic"),  # 75
        b("non_established", "incompetent"),  # 65
    ]
    result = tally.tally(targets=[1], weights=W, scale=SCALE, ballots=ballots)[1]
    # (40*90 + 30*85 + 20*75 + 10*65) / 100 = 83.00
    assert result.score == Decimal("83.00")
    assert result.left_out == []
    assert result.distribution == {"excellent": 1, "competent": 2, "basic": 1, "incompetent": 1}


def test_dont_know_is_left_out_of_the_denominator():
    ballots = [b("leadership", "excellent"), b("leadership", "unknown")]
    result = tally.tally(targets=[1], weights={"leadership": Decimal(40)}, scale=SCALE, ballots=ballots)[1]
    assert result.score == Decimal("95.00")
    assert result.classes[0].ballots == 2 and result.classes[0].rated == 1
    assert result.distribution["unknown"] == 1


def test_a_class_without_ratings_is_left_out_and_the_other_weights_renormalised():
    ballots = [b("leadership", "excellent"), b("middle_level", "competent"), b("established", "unknown")]
    result = tally.tally(targets=[1], weights=W, scale=SCALE, ballots=ballots)[1]
    # (40*95 + 30*85) / 70 = 90.714… → 90.71
    assert result.score == Decimal("90.71")
    assert result.left_out == ["established", "non_established"]


def test_a_target_nobody_rated_has_no_score():
    result = tally.tally(targets=[1, 2], weights=W, scale=SCALE, ballots=[b("leadership", "excellent", 2)])
    assert result[1].score is None and result[2].score == Decimal("95.00")


def test_rounding_happens_once_at_the_end_half_up():
    # Means 85 + 1/3 for a class: kept exact until the end.
    ballots = [b("leadership", "excellent"), b("leadership", "competent"), b("leadership", "basic")]
    ballots += [b("middle_level", "competent")] * 2 + [b("middle_level", "excellent")]
    result = tally.tally(
        targets=[1],
        weights={"leadership": Decimal(1), "middle_level": Decimal(1)},
        scale=SCALE,
        ballots=ballots,
    )[1]
    # (85 + 88.333…)/2 = 86.666… → 86.67
    assert result.score == Decimal("86.67")


def test_sub_items_get_their_own_means():
    ballots = [
        ("leadership", {"1": {"overall": "excellent", "morality": "good"}}),
        ("leadership", {"1": {"overall": "excellent", "morality": "poor"}}),
    ]
    result = tally.tally(
        targets=[1],
        weights=W,
        scale=SCALE,
        ballots=ballots,
        sub_items=["morality"],
        sub_scale={"good": Decimal(95), "poor": Decimal(65)},
    )[1]
    assert result.sub_means == {"morality": Decimal(80)}


def test_a_score_exactly_half_a_cent_rounds_up_not_to_even():
    # one class, two ratings 80.01 and 80.00: 80.005 → 80.01 (half-even would give 80.00)
    scale = {"a": Decimal("80.01"), "b": Decimal("80.00")}
    ballots = [b("leadership", "a"), b("leadership", "b")]
    result = tally.tally(targets=[1], weights={"leadership": Decimal(40)}, scale=scale, ballots=ballots)[1]
    assert result.score == Decimal("80.01")
    assert tally.round2(Decimal("0.125")) == Decimal("0.13")


def test_only_a_class_with_a_weight_is_named_as_left_out():
    weights = {"leadership": Decimal(40), "middle_level": Decimal("0.5"), "established": Decimal(0)}
    result = tally.tally(targets=[1], weights=weights, scale=SCALE, ballots=[b("leadership", "excellent")])[1]
    assert result.left_out == ["middle_level"]  # weight 0.5 counts; a class weighted 0 was never in
    assert result.score == Decimal("95.00")


def test_a_ballot_of_a_class_without_a_weight_counts_for_nothing():
    ballots = [b("leadership", "competent"), b("visitor", "excellent")]
    result = tally.tally(targets=[1], weights={"leadership": Decimal(40)}, scale=SCALE, ballots=ballots)[1]
    assert result.score == Decimal("85.00")
    assert [(c.kind, c.ballots, c.rated) for c in result.classes] == [("leadership", 1, 1)]
    assert result.distribution == {"competent": 1, "excellent": 1}


def test_a_class_with_no_ballot_at_all_counts_zero_ballots():
    result = tally.tally(targets=[1], weights=W, scale=SCALE, ballots=[b("leadership", "excellent")])[1]
    assert {c.kind: c.ballots for c in result.classes} == {
        "leadership": 1,
        "middle_level": 0,
        "established": 0,
        "non_established": 0,
    }


def test_a_sub_item_nobody_rated_has_no_mean():
    ballots = [("leadership", {"1": {"overall": "excellent", "morality": "unknown"}})]
    result = tally.tally(
        targets=[1],
        weights=W,
        scale=SCALE,
        ballots=ballots,
        sub_items=["morality", "ability"],
        sub_scale={"good": Decimal(95)},
    )[1]
    assert result.sub_means == {"morality": None, "ability": None}

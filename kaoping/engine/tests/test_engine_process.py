"""Process points (督促落实: how supervision items were handled) in the engine."""

from decimal import Decimal

from kaoping.engine.engine import (
    Entry,
    IndicatorSpec,
    ProcessPoint,
    Rule,
    RuleKind,
    SchemeVersion,
    compute,
)

D = Decimal
SCHEME = SchemeVersion(
    indicators=(IndicatorSpec(1, 1, D(100), Rule(RuleKind.MANUAL, D(10))),), bonus_cap_month=D(1)
)


def test_process_points_are_added_to_the_assessment_line_by_line():
    # 8/10 of 100 = 80; on time +1, sent back once -0.5 → 80.5
    points = {7: [ProcessPoint(2, D("-0.5"), "退回1次"), ProcessPoint(1, D(1), "按时办结")]}
    result = compute(SCHEME, [7], [Entry(7, 1, D(8))], process=points)[7]
    assert result.total == D("80.50")
    assert [p.label for p in result.process] == ["按时办结", "退回1次"]
    assert result.process_total == D("0.5")


def test_process_points_respect_the_floor_and_the_ceiling():
    low = compute(SCHEME, [7], [Entry(7, 1, D(0))], process={7: [ProcessPoint(1, D(-3))]})[7]
    high = compute(SCHEME, [7], [Entry(7, 1, D(10))], process={7: [ProcessPoint(1, D(5))]})[7]
    assert (low.total, high.total) == (D("0.00"), D("101.00"))


def test_without_process_points_nothing_changes():
    assert compute(SCHEME, [7], [Entry(7, 1, D(8))])[7].total == D("80.00")

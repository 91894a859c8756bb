"""How an item's handling is scored, line by line, and a co-owner's share. No database."""

from decimal import Decimal

import pytest
from django.utils import translation

from kaoping.supervision.points import Handling, Rules, item_lines, share

D = Decimal
RULES = Rules(
    on_time=D("2"),
    late=D("-3"),
    per_send_back=D("-0.5"),
    quality={"excellent": D("2"), "good": D("1"), "poor": D("-1")},
    co_owner_share=D("50"),
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_an_item_done_on_time_well_earns_both_lines():
    lines = item_lines(
        RULES, Handling(on_time=True, send_backs=0, quality="excellent", quality_label="Excellent")
    )
    assert lines == [(D("2"), "Result by the deadline"), (D("2"), "Quality: Excellent")]


def test_a_late_item_loses_the_late_points_instead():
    lines = item_lines(RULES, Handling(on_time=False, send_backs=0, quality="good", quality_label="Good"))
    assert lines == [(D("-3"), "Result after the deadline"), (D("1"), "Quality: Good")]


def test_each_send_back_costs_its_points_on_a_line_of_its_own():
    lines = item_lines(RULES, Handling(on_time=True, send_backs=3, quality="poor", quality_label="Poor"))
    assert lines == [
        (D("2"), "Result by the deadline"),
        (D("-1.5"), "Sent back 3 times"),
        (D("-1"), "Quality: Poor"),
    ]


def test_lines_worth_nothing_are_left_out():
    rules = Rules(on_time=D(0), late=D(-1), per_send_back=D(0), quality={"good": D(0)}, co_owner_share=D(50))
    assert item_lines(rules, Handling(on_time=True, send_backs=2, quality="good")) == []


def test_a_quality_the_rules_do_not_know_earns_nothing_and_the_code_stands_in_for_a_missing_label():
    assert item_lines(RULES, Handling(on_time=True, send_backs=0, quality="unheard-of")) == [
        (D("2"), "Result by the deadline")
    ]
    assert item_lines(RULES, Handling(on_time=False, send_backs=0, quality="good")) == [
        (D("-3"), "Result after the deadline"),
        (D("1"), "Quality: good"),
    ]


@pytest.mark.parametrize(
    ("points", "percent", "expected"),
    [
        ("1.25", "50", "0.63"),  # 0.625 rounds half-up
        ("-1.25", "50", "-0.63"),  # and away from zero below it
        ("1.24", "50", "0.62"),
        ("3", "100", "3.00"),
        ("2", "0", "0.00"),
        ("1", "33.3", "0.33"),
    ],
)
def test_a_co_owner_share_is_the_percentage_rounded_half_up_to_two_places(points, percent, expected):
    assert str(share(D(points), D(percent))) == expected

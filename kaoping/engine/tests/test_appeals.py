"""A review never worsens an outcome; publication windows in working days. No database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaoping.engine.appeals import Ruling, Worsening, add_working_days, rule_on_review

GRADES = ["不称职", "基本称职", "称职", "优秀"]  # worst to best
D = Decimal


def weekdays(day: date) -> bool:
    return day.weekday() < 5


# --- Worked examples --------------------------------------------------------------------------------


def test_a_better_grade_is_an_improvement():
    assert rule_on_review("称职", "优秀", worst_to_best=GRADES) is Ruling.IMPROVE


def test_the_same_grade_is_kept():
    assert rule_on_review("基本称职", "基本称职", worst_to_best=GRADES) is Ruling.KEEP


def test_a_worse_grade_is_refused():
    with pytest.raises(Worsening):
        rule_on_review("称职", "不称职", worst_to_best=GRADES)


def test_an_unknown_grade_is_refused_not_ordered():
    with pytest.raises(ValueError, match="not one of the outcomes"):
        rule_on_review("称职", "良好", worst_to_best=GRADES)


def test_a_monthly_total_is_ordered_as_a_number():
    assert rule_on_review(D("86.50"), D("87.00")) is Ruling.IMPROVE
    assert rule_on_review(D("86.50"), D("86.5")) is Ruling.KEEP
    with pytest.raises(Worsening):
        rule_on_review(D("86.50"), D("86.49"))


def test_five_working_days_from_a_monday_end_on_friday():
    assert add_working_days(date(2026, 11, 2), 5, weekdays) == date(2026, 11, 6)


def test_a_window_opened_on_saturday_starts_on_monday():
    assert add_working_days(date(2026, 11, 7), 5, weekdays) == date(2026, 11, 13)


def test_a_window_skips_the_holidays_it_is_told_of():
    holidays = {date(2026, 10, 1) + timedelta(days=i) for i in range(7)}  # National Day week

    def workday(day: date) -> bool:
        return weekdays(day) and day not in holidays

    # Published on 30 September (a Wednesday): 30 Sep, then 8, 9, 12, 13 October.
    assert add_working_days(date(2026, 9, 30), 5, workday) == date(2026, 10, 13)


def test_a_window_of_no_days_is_already_over():
    assert add_working_days(date(2026, 11, 2), 0, weekdays) == date(2026, 11, 1)


# --- Properties -------------------------------------------------------------------------------------

outcome_lists = st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=8, unique=True)


@given(outcome_lists, st.data())
def test_a_review_never_rules_a_worse_ordered_outcome(order, data):
    current = data.draw(st.sampled_from(order))
    proposed = data.draw(st.sampled_from(order))
    try:
        ruling = rule_on_review(current, proposed, worst_to_best=order)
    except Worsening:
        assert order.index(proposed) < order.index(current)
    else:
        assert order.index(proposed) >= order.index(current)
        assert (ruling is Ruling.KEEP) == (proposed == current)


totals = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


@given(totals, totals)
def test_a_review_never_rules_a_lower_total(current, proposed):
    try:
        ruling = rule_on_review(current, proposed)
    except Worsening:
        assert proposed < current
    else:
        assert proposed >= current
        assert (ruling is Ruling.IMPROVE) == (proposed > current)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), st.integers(1, 30))
def test_a_window_holds_exactly_its_working_days(start, days):
    end = add_working_days(start, days, weekdays)
    counted = sum(1 for i in range((end - start).days + 1) if weekdays(start + timedelta(days=i)))
    assert counted == days
    assert weekdays(end)

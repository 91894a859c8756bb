from datetime import date

from kaoping.records.deadlines import due_on, is_late


def test_the_deadline_is_the_day_of_the_month():
    assert due_on(date(2026, 5, 1), day=25, weekend_moves_to_monday=True) == date(2026, 5, 25)  # a Monday


def test_a_saturday_deadline_moves_to_monday_when_the_town_says_so():
    # 25 April 2026 is a Saturday.
    assert due_on(date(2026, 4, 1), day=25, weekend_moves_to_monday=True) == date(2026, 4, 27)
    assert due_on(date(2026, 4, 1), day=25, weekend_moves_to_monday=False) == date(2026, 4, 25)


def test_a_sunday_deadline_moves_to_the_next_day():
    # 25 October 2026 is a Sunday.
    assert due_on(date(2026, 10, 1), day=25, weekend_moves_to_monday=True) == date(2026, 10, 26)


def test_submitting_on_the_day_is_in_time_and_the_day_after_is_late():
    assert not is_late(date(2026, 5, 25), date(2026, 5, 25))
    assert is_late(date(2026, 5, 26), date(2026, 5, 25))

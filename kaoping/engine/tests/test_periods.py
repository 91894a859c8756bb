"""Months, quarters and the year to date. No database."""

from datetime import date

import pytest

from kaoping.engine.periods import quarter_months, quarter_of, quarter_to_date, year_to_date


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3), (9, 3), (10, 4), (11, 4), (12, 4)],
)
def test_each_month_falls_in_its_quarter(month, quarter):
    assert quarter_of(date(2026, month, 1)) == quarter


@pytest.mark.parametrize(("quarter", "first"), [(1, 1), (2, 4), (3, 7), (4, 10)])
def test_a_quarter_is_its_three_months(quarter, first):
    assert quarter_months(2026, quarter) == [date(2026, m, 1) for m in (first, first + 1, first + 2)]


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_there_is_no_fifth_quarter(quarter):
    with pytest.raises(ValueError, match="^a quarter is 1 to 4$"):
        quarter_months(2026, quarter)


def test_a_quarter_to_date_runs_from_its_first_month_to_the_month():
    assert quarter_to_date(date(2026, 4, 1)) == [date(2026, 4, 1)]
    assert quarter_to_date(date(2026, 5, 1)) == [date(2026, 4, 1), date(2026, 5, 1)]
    assert quarter_to_date(date(2026, 12, 1)) == [date(2026, m, 1) for m in (10, 11, 12)]


def test_the_year_to_date_runs_from_january_to_the_month():
    assert year_to_date(date(2026, 1, 1)) == [date(2026, 1, 1)]
    assert year_to_date(date(2026, 3, 1)) == [date(2026, m, 1) for m in (1, 2, 3)]
    assert len(year_to_date(date(2026, 12, 1))) == 12

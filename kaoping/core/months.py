"""Months, quarters and the year to date (pure: no database).

A month is the `date` of its first day. Every page, service and ranking that asks "which quarter is
this month in" or "which months make this quarter (so far)" asks here, so that the answer is written
once.
"""

from datetime import date


def quarter_of(month: date) -> int:
    """The quarter (1 to 4) a month falls in: January to March is 1, October to December is 4."""
    return (month.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[date]:
    """The three months of a quarter, first to last."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    first = 3 * (quarter - 1) + 1
    return [date(year, m, 1) for m in range(first, first + 3)]


def quarter_to_date(month: date) -> list[date]:
    """The months of the quarter of `month` up to and including it."""
    return [m for m in quarter_months(month.year, quarter_of(month)) if m.month <= month.month]


def year_to_date(month: date) -> list[date]:
    """The months of the year of `month` up to and including it."""
    return [date(month.year, m, 1) for m in range(1, month.month + 1)]

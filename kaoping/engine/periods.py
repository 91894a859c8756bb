"""Months, quarters, the year to date and the spans a ranking covers (pure: no database).

A month is the `date` of its first day. Every page, service and ranking that asks "which quarter is
this month in", "which months make this quarter (so far)" or "which months does this span cover"
asks here, so that the answer is written once. What a span's score is (the mean of its months, with
each tie-break's mean) and how it is ranked is `ranking.py`, beside it.
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


class Span:
    """What a ranking covers: the month, its quarter so far, or its year so far."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = (MONTH, QUARTER, YEAR)


def span_months(month: date, span: str) -> list[date]:
    """The months a span ending with `month` covers: itself, its quarter so far, or the year so far."""
    if span == Span.QUARTER:
        return quarter_to_date(month)
    if span == Span.YEAR:
        return year_to_date(month)
    return [month]

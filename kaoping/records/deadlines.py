"""When a month's records are due: a pure rule, no database."""

from datetime import date, timedelta


def due_on(month: date, *, day: int, weekend_moves_to_monday: bool) -> date:
    """The deadline of `month`'s records: `day` of that month, moved to the next Monday when it falls
    on a Saturday or Sunday and the town says so. (Public holidays are not known to the system.)"""
    deadline = month.replace(day=day)
    if weekend_moves_to_monday and deadline.weekday() >= 5:
        deadline += timedelta(days=7 - deadline.weekday())
    return deadline


def is_late(submitted_on: date, deadline: date) -> bool:
    """Submitted after the deadline day (on the day itself is in time)."""
    return submitted_on > deadline

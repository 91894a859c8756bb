"""The rules of objections and reviews that hold whatever is being reviewed: pure, no database.

A review (复核) may keep an outcome or improve it, never worsen it (公务员法 Art. 95-96: a review
never worsens the decision). `rule_on_review` holds that for any ordered outcome: a monthly total (a
number, higher is better) or an annual grade (one of a list written worst to best, 不称职 … 优秀).

Publication windows (公示期) are counted in working days: `add_working_days` counts them with a
calendar it is given (`is_workday`), so the holidays of a year are the caller's knowledge, not this
module's.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


class Ruling(Enum):
    """What a review decided: the outcome stays, or becomes better."""

    KEEP = "keep"
    IMPROVE = "improve"


class Worsening(ValueError):
    """The proposed outcome is worse than the one under review: a review never decides that."""


def _position(value: T, worst_to_best: Sequence[T]) -> int:
    try:
        return list(worst_to_best).index(value)
    except ValueError:
        raise ValueError(f"{value!r} is not one of the outcomes {list(worst_to_best)!r}") from None


def rule_on_review(current: T, proposed: T, *, worst_to_best: Sequence[T] | None = None) -> Ruling:
    """Rule on a review that would move `current` to `proposed`.

    Returns `Ruling.KEEP` when they are equal in the order, `Ruling.IMPROVE` when `proposed` is
    better, and raises `Worsening` when it is worse. Outcomes are ordered by their position in
    `worst_to_best` when given (grades), otherwise by their own `<` (numbers: higher is better).
    """
    if worst_to_best is not None:
        before, after = _position(current, worst_to_best), _position(proposed, worst_to_best)
        worse, better = after < before, after > before
    else:
        a: Any = current
        b: Any = proposed
        worse, better = bool(b < a), bool(a < b)
    if worse:
        raise Worsening(f"{proposed!r} is worse than {current!r}")
    return Ruling.IMPROVE if better else Ruling.KEEP


def add_working_days(start: date, days: int, is_workday: Callable[[date], bool]) -> date:
    """The last day of a window of `days` working days that opens on `start`.

    `start` counts as the first day when it is a working day; otherwise the window opens on the next
    working day. A window of 0 days ends the day before it opens (nothing can be raised in it).
    """
    if days < 0:
        raise ValueError("a window has no negative length")
    day = start
    while not is_workday(day):
        day += timedelta(days=1)
    if days == 0:
        return day - timedelta(days=1)
    counted = 1
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day

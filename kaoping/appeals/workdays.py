"""Working days in China: weekends and public holidays skipped, make-up working days (调休) counted.

The holidays come from `chinese-calendar` (PyPI), which carries the State Council's yearly schedule
(2004-2026 in version 1.11). A year it does not know yet is counted with weekends only, and
`known(year)` says so, for the pages to tell.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from kaoping.engine.appeals import add_working_days


@lru_cache(maxsize=64)
def known(year: int) -> bool:
    """Whether the public holidays of `year` are known (otherwise only weekends are skipped)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 2))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)  # the library checks the date's range by scanning its tables at every call
def is_workday(day: date) -> bool:
    """A working day: by the State Council's schedule where known, Monday to Friday otherwise."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def window_end(opens: date, days: int) -> date:
    """The last day of a window of `days` working days opening on `opens` (counted if a working day)."""
    return add_working_days(opens, days, is_workday)


def after(day: date, days: int) -> date:
    """The `days`-th working day after `day` (`day` itself not counted)."""
    return window_end(day + timedelta(days=1), days)

"""What supervision gives a month's results (the provider the results app reads).

Same shape as every input area's `inputs.py` (`kaoping.results.results.MonthInput`):
`for_month(town, month)` answers {cadre id: that cadre's input for the month}.
"""

from datetime import date
from decimal import Decimal

from kaoping.people.models import Town

from .selectors import supervision_points


def for_month(town: Town, month: date) -> dict[int, list[tuple[int, str, Decimal, str]]]:
    """{cadre id: [(item id, title, points, reason)]} for the items verified in the month (督促落实)."""
    return supervision_points(town, month)

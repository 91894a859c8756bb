"""What the democratic evaluation gives a month's results (the provider the results app reads).

Every input area has an `inputs.py` with the same shape (`kaoping.results.results.MonthInput`):
`for_month(town, month)` answers {cadre id: that cadre's input for the month}, in a fixed number
of queries, read from the area's own tables only. The results import it at module top; the input
area never imports the results (it announces changes through `kaoping.core.events`).
"""

from datetime import date
from decimal import Decimal

from kaoping.engine.periods import quarter_of
from kaoping.people.models import Town

from .selectors import democratic_scores


def for_month(town: Town, month: date) -> dict[int, Decimal]:
    """{cadre id: democratic score} of the month's quarter, once its round is closed; else empty."""
    return democratic_scores(town, month.year, quarter_of(month))

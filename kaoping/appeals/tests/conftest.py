"""October 2026 published on Monday 2 November: 王小明 (the persona cadre) 88.00, 李强 100.00.

The publication window is 2-6 November (five working days), the result confirmed on 7 November, a
review can be asked for until 6 December.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kaoping import testing
from kaoping.results import results
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.testing import in_english  # noqa: F401 (fixtures)

OCTOBER = date(2026, 10, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
IN_WINDOW = datetime(2026, 11, 4, 10, 0, tzinfo=SHANGHAI)
CONFIRMED = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def october(town, personas):
    """October 2026 published on 2 November; returns (period, 王小明's result, 李强's result)."""
    wang = personas["cadre"].cadre
    li = testing.make_cadre(town, "李强", 1)
    typed = {wang: {"1.1": "8", "1.2": "1"}, li: {"1.1": "10", "1.2": "1"}}  # 48 + 40 = 88; 100
    period = testing.scored_sheet(town, OCTOBER, by=personas["scorer"], values=typed).period
    results.period_recompute(period)
    Period.objects.filter(pk=period.pk).update(
        status=PeriodStatus.PUBLISHED, published_at=datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    )
    period.refresh_from_db()
    return (
        period,
        MonthlyResult.objects.get(period=period, cadre=wang),
        MonthlyResult.objects.get(period=period, cadre=li),
    )


@pytest.fixture
def in_window():
    with time_machine.travel(IN_WINDOW, tick=False):
        yield


@pytest.fixture
def confirmed():
    with time_machine.travel(CONFIRMED, tick=False):
        yield

"""October 2026 published on Monday 2 November: 王小明 (the persona cadre) 88.00, 李强 100.00.

The publication window is 2-6 November (five working days), the result confirmed on 7 November, a
review can be asked for until 6 December.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from kaoping import testing
from kaoping.indicators.models import Indicator
from kaoping.results import results
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus, ScoreEntry, ScoreSheet

OCTOBER = date(2026, 10, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
IN_WINDOW = datetime(2026, 11, 4, 10, 0, tzinfo=SHANGHAI)
CONFIRMED = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' messages are asserted in English, the language they are written in."""
    with translation.override("en"):
        yield


def score(sheet, cadre, code, value, user):
    indicator = Indicator.objects.get(scheme=sheet.scheme, code=code)
    ScoreEntry.objects.create(
        sheet=sheet, cadre=cadre, indicator=indicator, value=Decimal(value), updated_by=user
    )


@pytest.fixture
def october(town, personas):
    """October 2026 published on 2 November; returns (period, 王小明's result, 李强's result)."""
    scheme = testing.make_scheme(town)
    period = Period.objects.create(town=town, month=OCTOBER)
    sheet = ScoreSheet.objects.create(period=period, scheme=scheme, status="approved")
    wang = personas["cadre"].cadre
    li = testing.make_cadre(town, "李强", 1)
    scorer = personas["scorer"]
    score(sheet, wang, "1.1", "8", scorer)  # 48 + 40 = 88
    score(sheet, wang, "1.2", "1", scorer)
    score(sheet, li, "1.1", "10", scorer)  # 100
    score(sheet, li, "1.2", "1", scorer)
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

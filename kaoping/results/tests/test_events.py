"""The one notification from inputs to results (`kaoping.core.events`), and the frozen-month question.

The receiver runs synchronously in the sender's transaction: what it refuses undoes the input.
"""

from datetime import date

import pytest

from kaoping.core import events
from kaoping.core.errors import DomainError
from kaoping.scoring import services
from kaoping.scoring.models import Excusal, ExcuseReason, Period, PeriodStatus
from kaoping.scoring.tests.conftest import fill

from ..models import MonthlyResult

pytestmark = pytest.mark.django_db


def test_a_grid_save_announces_its_month_and_the_results_follow_in_the_same_call(personas, period, sheet):
    seen = []
    events.INPUTS_CHANGED.connect(
        lambda sender, change, **kw: seen.append(change), weak=False, dispatch_uid="test-seen"
    )
    try:
        fill(sheet, personas["scorer"])
    finally:
        events.INPUTS_CHANGED.disconnect(dispatch_uid="test-seen")
    [change] = seen
    assert change.months == (period.month,) and change.town == period.town
    assert not change.computed_only and change.actor == personas["scorer"]
    assert MonthlyResult.objects.filter(period=period).exists()  # already there when the save returned


def test_a_receiver_refusing_undoes_the_input_that_caused_it(personas, period, sheet, cadres):
    def refuse(sender, change, **kw):
        raise DomainError("refused by the results")

    events.INPUTS_CHANGED.connect(refuse, weak=False, dispatch_uid="test-refuse")
    try:
        with pytest.raises(DomainError, match="refused by the results"):
            services.excusal_set(
                actor=personas["scorer"], sheet=sheet, cadre=cadres[0], reason=ExcuseReason.LEAVE
            )
    finally:
        events.INPUTS_CHANGED.disconnect(dispatch_uid="test-refuse")
    assert not Excusal.objects.exists()  # same transaction: the excusal was not kept


def test_the_last_frozen_month_is_the_last_published_month_of_that_town_and_year(town, period):
    assert events.last_frozen_month(town_id=town.pk, year=2026) is None
    Period.objects.create(town=town, month=date(2026, 1, 1), status=PeriodStatus.PUBLISHED)
    Period.objects.create(town=town, month=date(2026, 2, 1), status=PeriodStatus.PUBLISHED)
    Period.objects.create(town=town, month=date(2025, 12, 1), status=PeriodStatus.PUBLISHED)
    assert events.last_frozen_month(town_id=town.pk, year=2026) == date(2026, 2, 1)
    assert events.last_frozen_month(town_id=town.pk, year=2025) == date(2025, 12, 1)
    assert events.last_frozen_month(town_id=town.pk + 1000, year=2026) is None

"""Verifying an item feeds the points for its handling into the month of verification (督促落实)."""

import pytest
from django.utils import timezone

from kaoping.core import events

from .. import services
from ..models import ItemStatus as S


@pytest.mark.django_db
def test_verifying_an_item_recomputes_the_month_it_was_verified_in(office, owner, item, monkeypatch):
    asked = []
    events.INPUTS_CHANGED.connect(
        lambda sender, change, **kw: asked.append(change), weak=False, dispatch_uid="t"
    )
    try:
        services.item_move(actor=office, item=item, to=S.IN_PROGRESS, confirmed=True)
        services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="已完成", confirmed=True)
        assert asked == []
        services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    finally:
        events.INPUTS_CHANGED.disconnect(dispatch_uid="t")
    [change] = asked
    assert (change.town, change.months) == (item.town, (timezone.localdate().replace(day=1),))
    assert change.computed_only and change.actor == office

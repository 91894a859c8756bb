"""Verifying an item feeds the points for its handling into the month of verification (督促落实)."""

import pytest
from django.utils import timezone

from kaoping.scoring import results

from .. import services
from ..models import ItemStatus as S


@pytest.mark.django_db
def test_verifying_an_item_recomputes_the_month_it_was_verified_in(office, owner, item, monkeypatch):
    asked = []
    monkeypatch.setattr(results, "recompute_months", lambda town, months, **kw: asked.append((town, months)))
    services.item_move(actor=office, item=item, to=S.IN_PROGRESS, confirmed=True)
    services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="已完成", confirmed=True)
    assert asked == []
    services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    assert asked == [(item.town, [timezone.localdate().replace(day=1)])]

"""Closing a round feeds its quarter's monthly results (the democratic share, 20% by default)."""

from datetime import date

import pytest

from kaoping.scoring import results

from .. import services
from ..models import RoundStatus


@pytest.mark.django_db
def test_closing_a_round_recomputes_the_months_of_its_quarter(open_round, personas, monkeypatch):
    asked = []
    monkeypatch.setattr(results, "recompute_months", lambda town, months, **kw: asked.append((town, months)))
    services.round_move(
        actor=personas["assessment_office"], round=open_round, to=RoundStatus.CLOSED, confirmed=True
    )
    first = 3 * (open_round.quarter - 1) + 1
    assert asked == [(open_round.town, [date(open_round.year, m, 1) for m in range(first, first + 3)])]

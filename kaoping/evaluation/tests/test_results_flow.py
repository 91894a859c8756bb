"""Closing a round feeds its quarter's monthly results (the democratic share, 20% by default)."""

from datetime import date

import pytest

from kaoping.core import events
from kaoping.results import results

from .conftest import close_round, vote


@pytest.mark.django_db
def test_closing_a_round_recomputes_the_months_of_its_quarter(open_round, personas, monkeypatch):
    asked = []
    events.INPUTS_CHANGED.connect(
        lambda sender, change, **kw: asked.append(change), weak=False, dispatch_uid="t"
    )
    try:
        close_round(open_round, personas["assessment_office"])
    finally:
        events.INPUTS_CHANGED.disconnect(dispatch_uid="t")
    first = 3 * (open_round.quarter - 1) + 1
    # Announced through the one event, as another area's input: only months computed already follow.
    [change] = asked
    assert change.town == open_round.town and change.computed_only and change.frozen_too
    assert change.months == tuple(date(open_round.year, m, 1) for m in range(first, first + 3))
    assert change.actor == personas["assessment_office"] and str(open_round) in change.cause


@pytest.mark.django_db
def test_a_round_closed_after_its_months_publication_yields_a_pending_correction(
    open_round, codes, cadres, personas
):
    from decimal import Decimal

    from kaoping import testing
    from kaoping.indicators.models import Indicator
    from kaoping.results.models import Correction, MonthlyResult
    from kaoping.scoring.models import Period, PeriodStatus, ScoreEntry, ScoreSheet

    scheme = testing.make_scheme(open_round.town)
    january = Period.objects.create(town=open_round.town, month=date(2026, 1, 1))
    sheet = ScoreSheet.objects.create(period=january, scheme=scheme, status="approved")
    agency = [c for c in cadres if c.population == scheme.population]
    for cadre in agency:
        for indicator in Indicator.objects.filter(scheme=scheme):
            ScoreEntry.objects.create(
                sheet=sheet, cadre=cadre, indicator=indicator, value=Decimal(1), updated_by=personas["scorer"]
            )
    results.period_recompute(january)
    Period.objects.filter(pk=january.pk).update(status=PeriodStatus.PUBLISHED)
    published = dict(MonthlyResult.objects.values_list("cadre_id", "total"))
    ids = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    for kind_codes in codes.values():
        for code in kind_codes:
            vote(code, cadres)
    office = personas["assessment_office"]
    close_round(open_round, office)
    # January stands as published; what the democratic scores would change waits as a correction.
    assert dict(MonthlyResult.objects.values_list("cadre_id", "total")) == published
    assert dict(MonthlyResult.objects.values_list("cadre_id", "pk")) == ids
    correction = Correction.objects.get(period=january)
    assert correction.status == "pending" and correction.caused_by == office
    assert {line["cadre"] for line in correction.changes} == {c.pk for c in agency}
    assert all(line["old"]["total"] != line["new"]["total"] for line in correction.changes)

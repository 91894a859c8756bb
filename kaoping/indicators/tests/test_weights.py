"""Weights in force by month: a change from March leaves January and February with their own, forever."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaoping.core.errors import DomainError
from kaoping.indicators import selectors, services
from kaoping.indicators.models import IndicatorWeight

from .conftest import APRIL, FEBRUARY, JANUARY, MARCH, data_for, indicator, make_scheme

pytestmark = pytest.mark.django_db


def by_code(scheme, weights):
    return {indicator(scheme, code).pk: Decimal(w) for code, w in weights.items()}


def in_force_by_code(scheme, month):
    weights = selectors.weights_in_force(scheme, month)
    return {i.code: weights[i.pk] for i in scheme.indicators.all() if i.pk in weights}


def test_a_march_change_leaves_january_and_february_as_they_were(scheme, office):
    services.weights_set(
        actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"2.1": 40, "2.2": 10})
    )
    before = {"1.1": 50, "1.2": 0, "2.1": 30, "2.2": 20}
    after = {"1.1": 50, "1.2": 0, "2.1": 40, "2.2": 10}
    assert in_force_by_code(scheme, JANUARY) == before
    assert in_force_by_code(scheme, FEBRUARY) == before
    assert in_force_by_code(scheme, MARCH) == after
    assert in_force_by_code(scheme, date(2026, 12, 31)) == after


def test_any_day_of_a_month_gives_that_months_weights(scheme, office):
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"2.1": 40}))
    assert in_force_by_code(scheme, date(2026, 2, 28))["2.1"] == 30
    assert in_force_by_code(scheme, date(2026, 3, 31))["2.1"] == 40


def test_an_indicator_before_its_first_version_is_absent_not_zero(scheme, office):
    late = services.indicator_create(
        actor=office, scheme=scheme, data=data_for(scheme), weight=Decimal(5), weight_from=APRIL
    )
    assert late.pk not in selectors.weights_in_force(scheme, MARCH)
    assert selectors.weights_in_force(scheme, APRIL)[late.pk] == 5
    assert selectors.weights_in_force(scheme, date(2025, 12, 1)) == {}


def test_weights_in_force_take_one_query_however_many_versions(scheme, office):
    for month in (FEBRUARY, MARCH, APRIL):
        services.weights_set(
            actor=office, scheme=scheme, month=month, weights=by_code(scheme, {"2.1": month.month * 10})
        )
    with CaptureQueriesContext(connection) as queries:
        weights = selectors.weights_in_force(scheme, MARCH)
    assert len(queries) == 1
    # ... and it is the right answer: March's own version, every indicator in force with its weight.
    assert {i.code: weights[i.pk] for i in scheme.indicators.all()} == {
        "1.1": 50,
        "1.2": 0,
        "2.1": 30,
        "2.2": 20,
    }


def test_setting_a_month_twice_updates_its_version_rather_than_adding_one(scheme, office):
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"2.1": 40}))
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"2.1": 35}))
    versions = IndicatorWeight.objects.filter(indicator=indicator(scheme, "2.1")).order_by("effective_from")
    assert [(v.effective_from, v.weight) for v in versions] == [(JANUARY, 30), (MARCH, 35)]


def test_an_unchanged_weight_creates_no_version_and_no_audit_entry(scheme, office):
    changes = services.weights_set(
        actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"1.1": 50, "2.1": 30})
    )
    assert changes == []
    assert IndicatorWeight.objects.filter(effective_from=MARCH).count() == 0


def test_an_earlier_change_does_not_override_a_later_one(scheme, office):
    services.weights_set(actor=office, scheme=scheme, month=APRIL, weights=by_code(scheme, {"2.1": 45}))
    services.weights_set(actor=office, scheme=scheme, month=FEBRUARY, weights=by_code(scheme, {"2.1": 35}))
    assert [in_force_by_code(scheme, m)["2.1"] for m in (JANUARY, FEBRUARY, MARCH, APRIL)] == [30, 35, 35, 45]


def test_a_negative_weight_is_refused(scheme, office):
    with pytest.raises(DomainError, match="cannot be negative"):
        services.weights_set(actor=office, scheme=scheme, month=MARCH, weights=by_code(scheme, {"2.1": -1}))
    assert not IndicatorWeight.objects.filter(effective_from=MARCH).exists()


def test_a_month_of_another_year_is_refused(scheme, office):
    with pytest.raises(DomainError, match="2026"):
        services.weights_set(
            actor=office, scheme=scheme, month=date(2027, 1, 1), weights=by_code(scheme, {"2.1": 1})
        )


def test_another_schemes_indicator_is_refused(scheme, office, other_town):
    foreign = make_scheme(other_town).indicators.first()
    with pytest.raises(DomainError):
        services.weights_set(actor=office, scheme=scheme, month=MARCH, weights={foreign.pk: Decimal(1)})

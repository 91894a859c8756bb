"""Numbers typed into the scheme forms are read by the one parser: full-width digits are fine, exponents
and numbers too long for their column are refused with a message, never a server error."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaoping.indicators.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _indicator_data(scheme, **changes):
    return {
        "category": scheme.categories.last().pk,
        "code": "2.3",
        "name": "财税收入",
        "standard": "按序时进度计分",
        "max_score": "1",
        "rule_kind": "completion",
        "target": "100",
        "item_kind": "monthly_key_work",
        "sort_order": "5",
        "weight": "5",
        "weight_from": "3",
    } | changes


def _create(client, town, scheme, **changes):
    url = reverse("indicators:indicator_create", args=[town.slug, scheme.pk])
    return client.post(url, _indicator_data(scheme, **changes))


def test_an_indicator_typed_in_full_width_digits_is_saved(office_client, town, scheme):
    response = _create(
        office_client, town, scheme, max_score="１．５", target="１，２００", sort_order="　７　"
    )
    assert response.status_code == 302
    added = Indicator.objects.get(scheme=scheme, code="2.3")
    assert (added.max_score, added.target, added.sort_order) == (Decimal("1.5"), Decimal(1200), 7)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("max_score", "1e3", "is written with an exponent"),
        ("max_score", "NaN", "“NaN” is not a number."),
        ("max_score", "1E+29", "is written with an exponent"),
        ("target", "1234567890123", "is too large: at most 9999999999.99."),
        ("sort_order", "99999999999", "is too large"),
        ("sort_order", "٣", "uses digits other than 0–9"),
        ("weight", "1_0", "is not a number"),
        ("name", "财税\x07收入", "control character (U+0007)"),
    ],
)
def test_a_number_the_column_cannot_hold_is_refused_with_a_message(
    office_client, town, scheme, field, typed, message
):
    response = _create(office_client, town, scheme, **{field: typed})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Indicator.objects.filter(scheme=scheme, code="2.3").exists()

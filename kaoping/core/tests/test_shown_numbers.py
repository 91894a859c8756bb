"""Numbers as the pages show them: `shown` (and the `places` filter) give floatformat's text, in both
languages, for every kind of value a page passes."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kaoping.core.numbers import percent, shown

PLACES = st.sampled_from([-3, -2, -1, 0, 1, 2, 3])
VALUES = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**6), max_value=10**6),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1, max_value=1).map(str),
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@given(value=VALUES, places=PLACES)
def test_it_gives_floatformats_text(language, value, places):
    with translation.override(language):
        assert shown(value, places) == floatformat(value, places)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("4.5"), -2, "4.50"),
        (Decimal("4.00"), -2, "4"),
        (Decimal("2.345"), 2, "2.35"),  # half-up, not half-even
        (Decimal("-0.001"), 2, "0.00"),  # no minus before a zero
        ("88.125", 1, "88.1"),
        (Decimal("1E+3"), 2, "1000.00"),
        (None, 2, ""),
        ("not a number", 2, ""),
        (Decimal("NaN"), 2, "NaN"),
    ],
)
def test_worked_examples(value, places, text):
    assert shown(value, places) == text == floatformat(value, places)


def test_the_filter_reads_its_places_as_floatformat_does():
    page = Template('{% load figures %}{{ a|places:2 }} {{ b|places:"-2" }} {{ b|places:"2" }}')
    assert page.render(Context({"a": Decimal("3.14159"), "b": Decimal("7")})) == "3.14 7 7.00"


@pytest.mark.parametrize(
    ("share", "shown_as", "leaves"),
    [
        ("0.200", "20%", "80%"),
        ("0.125", "12.5%", "87.5%"),
        ("0.333", "33.3%", "66.7%"),
        ("0", "0%", "100%"),
        ("1.000", "100%", "0%"),
    ],
)
def test_a_share_is_shown_as_the_exact_percentage_it_is_and_leaves(share, shown_as, leaves):
    assert percent(Decimal(share)) == shown_as
    assert percent(Decimal(share), left=True) == leaves

"""The form fields every app uses for typed numbers and text."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from kaoping.core.forms import NumberField, TextField, WholeNumberField


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class _Form(forms.Form):
    points = NumberField(max_digits=6, decimal_places=2, min_value=Decimal(0), required=False)
    order = WholeNumberField(min_value=0, required=False)
    delta = NumberField(decimal_places=1, required=False)
    name = TextField(max_length=20, required=False)
    notes = TextField(widget=forms.Textarea, required=False)


def _clean(**data):
    form = _Form(data)
    form.is_valid()
    return form


def test_full_width_digits_and_blanks_are_read():
    form = _clean(points="　８．５　", order="１２", delta="－1.5")
    assert form.cleaned_data == {
        "points": Decimal("8.5"),
        "order": 12,
        "delta": Decimal("-1.5"),
        "name": "",
        "notes": "",
    }


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("points", "1e3", "is written with an exponent"),
        ("points", "NaN", "is not a number"),
        ("points", "10000", "is too large: at most 9999.99."),
        ("points", "-1", "is negative"),
        ("points", "1.234", "At most 2 decimal places are allowed."),
        ("order", "99999999999", "is too large: at most 999999999."),
        ("order", "1.5", "enter a whole number"),
        ("order", "1_0", "is not a number"),
        ("delta", "12345678901234", "is too large"),
    ],
)
def test_numbers_are_refused_with_the_parsers_message(field, typed, message):
    form = _clean(**{field: typed})
    assert message in form.errors[field][0]


def test_number_inputs_are_text_boxes_with_a_decimal_keypad():
    html = str(_Form()["points"]) + str(_Form()["order"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'inputmode="numeric"' in html
    assert 'type="number"' not in html


def test_control_characters_are_refused_in_a_line_but_a_text_keeps_its_line_breaks():
    form = _clean(name="东村\x07", notes="第一行\r\n第二行")
    assert "control character (U+0007)" in form.errors["name"][0]
    assert "notes" not in form.errors

"""Form fields for what people type, shared by every app: numbers and plain text.

- `NumberField` and `WholeNumberField` read numbers with `kaoping.core.numbers.parse_number`, the
  parser the score grid and the Excel imports use: full-width digits are fine, exponents, NaN and
  numbers too long for the column are refused with a message. Their input is a text box with a decimal
  keypad (`inputmode`), because a browser's number box drops what a Chinese input method types.
- `TextField` is a `CharField` that refuses control characters (`kaoping.core.text`), which would
  otherwise be stored and then break every Excel file the text is written to.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from . import text
from .numbers import NumberError, parse_number

# Where a form does not say how many digits a number may have: what a score column holds.
DEFAULT_MAX_DIGITS = 12


def _allows_negative(field: forms.Field) -> bool:
    minimum = getattr(field, "min_value", None)
    return minimum is None or minimum < 0


class NumberField(forms.DecimalField):
    """A decimal number typed by a person, parsed by the project's one number parser."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        places = self.decimal_places if self.decimal_places is not None else 2
        digits = self.max_digits if self.max_digits is not None else DEFAULT_MAX_DIGITS
        try:
            return parse_number(
                value, max_digits=digits, decimal_places=places, allow_negative=_allows_negative(self)
            )
        except NumberError as exc:
            raise ValidationError(exc.message, code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # the parser has refused NaN and infinities already


class WholeNumberField(forms.IntegerField):
    """A whole number typed by a person (an order, a count, a year), parsed like every number."""

    widget = forms.TextInput

    def __init__(self, *, max_digits: int = 9, **kwargs: Any) -> None:
        self.max_digits = max_digits
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = parse_number(
                value, max_digits=self.max_digits, decimal_places=0, allow_negative=_allows_negative(self)
            )
        except NumberError as exc:
            raise ValidationError(exc.message, code="invalid") from None
        return int(number)


class TextField(forms.CharField):
    """A line or a text typed by a person: control characters are refused, not stored."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and (
            problem := text.control_problem(value, multiline=isinstance(self.widget, forms.Textarea))
        ):
            raise ValidationError(problem, code="control_characters")

"""Form fields for what people type, shared by every app: numbers, plain text, dates and choices.

- `NumberField` and `WholeNumberField` read numbers with `kaoping.core.numbers.parse_number`, the
  parser the score grid and the Excel imports use: full-width digits are fine, exponents, NaN and
  numbers too long for the column are refused with a message. Their input is a text box with a decimal
  keypad (`inputmode`), because a browser's number box drops what a Chinese input method types.
- `TextField` is a `CharField` that refuses control characters (`kaoping.core.text`), which would
  otherwise be stored and then break every Excel file the text is written to.
- `ModelMultipleChoiceField` refuses an id beyond the key column as an unknown choice: a multiple choice
  posted by hand can carry an id such as 2**64, and Django's own field sends the ids to the database in
  one IN (...), which raises OverflowError (SQLite) or DataError (PostgreSQL).
- `DateField` and `DateTimeField` keep typed dates within the application's working years.

Every form of the project uses these fields; `tests/test_forms.py` checks it.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from . import text
from .limits import DATE_MAX, DATE_MIN, SORT_ORDER_MAX
from .numbers import NumberError, parse_number

__all__ = [
    "SORT_ORDER_MAX",
    "DateField",
    "DateTimeField",
    "ModelMultipleChoiceField",
    "NumberField",
    "TextField",
    "WholeNumberField",
    "formfield_for",
]

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


def key_range(model: type[Model], field_name: str | None, using: str) -> tuple[int, int] | None:
    """The (min, max) the column of `model.field_name` (the primary key if None) can hold, if integer."""
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    assert field is not None
    internal_type = field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()
    try:
        return connections[using].ops.integer_field_range(internal_type)
    except KeyError:
        return None


def fits(value: object, bounds: tuple[int, int] | None) -> bool:
    """False if `value` reads as an integer outside `bounds`; anything else is left to Django's checks."""
    if bounds is None or isinstance(value, Model):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return True  # not a number at all: the field itself refuses it
    low, high = bounds
    return (low is None or number >= low) and (high is None or number <= high)


class DateField(forms.DateField):
    """`forms.DateField` limited to the application's working years (2000-2100)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


class DateTimeField(forms.DateTimeField):
    """`forms.DateTimeField` limited to the application's working years (2000-2100)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATE_MIN <= value.date() <= DATE_MAX:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": DATE_MIN.isoformat(), "last": DATE_MAX.isoformat()},
            )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """`forms.ModelMultipleChoiceField` that refuses an id beyond its column as an unknown choice."""

    def _check_values(self, value):
        if isinstance(value, list | tuple | set | frozenset):
            bounds = key_range(self.queryset.model, self.to_field_name, self.queryset.db)
            for pk in value:
                if not fits(pk, bounds):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


def formfield_for(db_field, **kwargs):
    """`formfield_callback` of a ModelForm: its many-to-many relations become the bounded field above."""
    from django.db import models

    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)

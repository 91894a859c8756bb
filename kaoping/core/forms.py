"""Form fields that refuse what the database cannot hold, with the usual message instead of a crash.

A multiple choice posted by hand can carry an id far beyond the key column (2**64,
99999999999999999999): Django's own field sends the ids to the database in one IN (...), which raises
OverflowError (SQLite) or DataError (PostgreSQL). `ModelMultipleChoiceField` checks each id's range
first and answers "not one of the available choices". Dates typed by people stay within the
application's working years. Every form of the project uses these fields; `tests/test_forms.py`
checks it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from kaoping.core.limits import DATE_MAX, DATE_MIN, SORT_ORDER_MAX

__all__ = [
    "SORT_ORDER_MAX",
    "DateField",
    "DateTimeField",
    "ModelMultipleChoiceField",
    "formfield_for",
]


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

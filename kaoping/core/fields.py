"""Model fields shared by the apps."""

import decimal
from functools import cached_property
from typing import Any

from django.db import models


class StoredDecimalField(models.DecimalField):
    """A `DecimalField` that reads back whatever the database holds, even past its digits.

    SQLite does not enforce a column's digits: a number too long for the column, stored before it was
    checked, used to make Django's reading raise `decimal.InvalidOperation`, so that every page reading
    the row failed and the value could not even be cleared. Read with this field it comes back as the
    number it is (an infinity as NaN), for the page to show as refused and for a person to clear it.
    Writing is unchanged: what is saved is checked before (`kaoping.core.numbers`). The schema and the
    migrations are those of a `DecimalField`.
    """

    @cached_property
    def context(self) -> decimal.Context:
        # Enough digits for any REAL SQLite can hold, quantized to the column's places; no traps, so
        # that an infinity becomes NaN instead of an exception.
        return decimal.Context(prec=400, traps=[])

    def to_python(self, value: Any) -> Any:
        if isinstance(value, float):
            value = decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

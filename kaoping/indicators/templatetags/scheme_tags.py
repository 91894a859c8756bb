from datetime import date
from decimal import Decimal

from django import template
from django.utils.dates import MONTHS_AP

from kaoping.indicators import rules

register = template.Library()


@register.filter
def points(value: Decimal | None) -> str:
    """`{{ weight|points }}`: 7 rather than 7.00; empty for no value."""
    return rules.number(value) if value is not None else ""


@register.filter
def month_short(value: date) -> str:
    """`{{ version.effective_from|month_short }}`: the month's short name (Jan., 一月)."""
    return str(MONTHS_AP[value.month])


@register.filter
def field_for(form, indicator):
    """`{{ form|field_for:indicator }}`: the weights form's bound field for one indicator."""
    return form[form.key(indicator)]

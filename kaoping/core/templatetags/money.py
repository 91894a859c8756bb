"""`{{ amount|money }}`: an amount in yuan grouped by three with two decimals (123,456.78), `—` when
there is none; the template side of `kaoping.core.numbers.money`."""

from django import template

from kaoping.core import numbers

register = template.Library()


@register.filter
def money(value) -> str:
    """`value` as `numbers.money` writes it."""
    return numbers.money(value)

"""`{% load figures %}{{ value|places:2 }}`: a number as `floatformat` shows it, at a fraction of its
cost (`kaoping.core.numbers.shown`), for the pages that show hundreds of numbers; `{{ share|share }}`
and `{{ share|share_left }}`: a share of 1 as the exact percentage it is and leaves ("20%", "80%")."""

from django import template

from kaoping.core.numbers import percent, shown

register = template.Library()


@register.filter(is_safe=True)
def places(value, arg: int | str) -> str:
    """The text of `{{ value|floatformat:arg }}`: `places:2` two decimals, `places:"-2"` two unless whole."""
    return shown(value, int(arg))


@register.filter(is_safe=True)
def share(value) -> str:
    """A share of 1 as an exact percentage (`kaoping.core.numbers.percent`): 0.200 is "20%"."""
    return percent(value)


@register.filter(is_safe=True)
def share_left(value) -> str:
    """What a share of 1 leaves of the whole, as a percentage: 0.200 leaves "80%"."""
    return percent(value, left=True)

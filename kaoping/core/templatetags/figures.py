"""`{% load figures %}{{ value|places:2 }}`: a number as `floatformat` shows it, at a fraction of its
cost (`kaoping.core.numbers.shown`), for the pages that show hundreds of numbers."""

from django import template

from kaoping.core.numbers import shown

register = template.Library()


@register.filter(is_safe=True)
def places(value, arg: int | str) -> str:
    """The text of `{{ value|floatformat:arg }}`: `places:2` two decimals, `places:"-2"` two unless whole."""
    return shown(value, int(arg))

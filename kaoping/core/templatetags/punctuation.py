"""Punctuation that follows the language: a label's colon and an aside's brackets are full-width in
Chinese (：（）) and ASCII in English, where a template would otherwise type ASCII beside Chinese."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """The colon after a label: "：" in Chinese, ": " in English."""
    return pgettext("punctuation", ": ")


@register.filter
def parens(value) -> SafeString:
    """`value` as an aside: "（value）" in Chinese, " (value)" in English; nothing when empty."""
    if value in (None, ""):
        return SafeString("")
    return format_html(pgettext("punctuation", " ({})"), value)


@register.simple_tag
def semicolon() -> str:
    """Between two clauses: "；" in Chinese, "; " in English."""
    return pgettext("punctuation", "; ")


@register.simple_tag
def full_stop() -> str:
    """At the end of a sentence put together in a template: "。" in Chinese, "." in English."""
    return pgettext("punctuation", ".")

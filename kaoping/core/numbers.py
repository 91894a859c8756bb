"""Numbers as people type them: the one parser behind the score grid, Excel cells and every form.

`parse_number(typed, max_digits=…, decimal_places=…)` turns what a person typed (or what an Excel cell
holds) into a `Decimal` that fits the database column, or raises `NumberError` (a `ValueError`) whose
message says what to write instead. Nothing that it refuses can reach the database, and nothing that
it accepts can overflow a column.

What a Chinese office types, and is accepted:

- half-width digits 0-9 and full-width digits ０-９ (typed with a Chinese input method);
- a decimal point: `.`, the full-width `．` or the ideographic full stop `。` (what the “.” key types
  while the input method is in Chinese punctuation mode): `8。5` is 8.5;
- blanks around the number, including the full-width space `　`, no-break and zero-width spaces;
- a leading `+`, and a leading minus (`-`, `－` or `−`) where the column allows negative numbers;
- thousands separators `,` or `，` only when they group the digits by three from the point
  (`12,345.5`); `1,5` is refused, because in some countries it means 1.5;
- with `percent=True`, a trailing `%` or `％`: `95%` is 95 (the number the person sees);
- from Excel, numbers (int, float, Decimal): a float is read by its shortest representation, so the
  0.1 Excel stored is 0.1, not 0.1000000000000000055….

Refused, each with its own message: exponents (`1e30`, `1E+29`), `NaN` and `Infinity`, underscores
(`1_0`), digits of other scripts (Arabic-Indic `٣`, Devanagari, circled or superscript digits),
spaces inside the number, more decimals than the column keeps (`8.555` for two; trailing zeros such as
`8.500` are fine), more digits before the point than the column holds, and yes/no cells.

Money is written back the way it is read, by `money(value)`: grouped by three with commas and two
decimals (`123,456.78`), the Chinese convention as much as the English one, and `—` for no amount. Pages
(the `money` filter), documents and the text cells of workbooks all call it; a workbook's numeric cells
stay numbers, shown by Excel with `MONEY_FORMAT`.

And numbers as the pages show them: `shown(value, places)` is the text Django's `floatformat` filter
gives (half-up, `-2` for "two places unless it is whole"), some twenty times faster, for the pages that
show hundreds of them (a ranking's bonus and deduction columns, a breakdown's lines). Both of the
site's languages write a point and group no digits (USE_THOUSAND_SEPARATOR is off), so the text is the
same in both; a test holds it to `floatformat` in each.
"""

import functools
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext
from typing import Any

from django.template.defaultfilters import floatformat  # type: ignore[import-untyped]
from django.utils import translation  # type: ignore[import-untyped]

from kaoping.core.text import fold_width


def _(message: str) -> str:
    return str(translation.gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    return str(translation.ngettext(singular, plural, count))


# The full-width forms a Chinese input method types, mapped to their ASCII equivalents.
_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "．": ".",
        "。": ".",
        "，": ",",
        "＋": "+",
        "－": "-",
        "−": "-",  # U+2212 MINUS SIGN, what Word and some web pages type
        "％": "%",
    }
)
# Blanks that surround a number copied from a web page or a register; str.strip() covers the others.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_WIDE = Context(prec=200)  # exact arithmetic on anything _small() lets through
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<fraction>[0-9]*))?")


MISSING = "—"  # what a page, document or workbook shows where there is no value
MONEY_FORMAT = "#,##0.00"  # Excel's format for an amount in yuan: the same grouping as `money`


def money(value: Decimal | int | str | None, *, places: int = 2) -> str:
    """An amount in yuan as a person reads it: `123,456.78`, `-1,234.50`, `0.00`; `—` for None.

    Rounded half-up to `places` decimals (2: yuan and fen; the pay plan's exact shares use 4)."""
    if value is None or value == "":
        return MISSING
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    if amount.is_zero():
        amount = abs(amount)  # -0.00 is 0.00
    return f"{amount:,.{places}f}"


class NumberError(ValueError):
    """What was typed is not a number the column can hold; `str(error)` says what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@functools.cache  # a handful of columns, and the grid asks once a cell (an arithmetic power took 45 µs)
def largest(max_digits: int, decimal_places: int) -> Decimal:
    """The largest number a column of `max_digits` digits, `decimal_places` of them decimals, holds.

    Written out as its digits (999999.99), so that it is exact whatever the decimal context."""
    return Decimal("9" * (max_digits - decimal_places) + "." + "9" * decimal_places)


def parse_number(
    typed: Any,
    *,
    max_digits: int,
    decimal_places: int,
    allow_negative: bool = False,
    percent: bool = False,
) -> Decimal:
    """The number in `typed` (text, or an Excel cell's int, float or Decimal), fitting the column.

    Raises `NumberError` with a message for the person who typed it. A blank is refused too
    (callers decide what a blank means before calling). `percent=True` accepts a trailing % and
    returns the number before it.
    """
    if isinstance(typed, bool) or typed is None:
        raise NumberError(_("Enter a number."))
    if isinstance(typed, int):
        shown = str(typed)
        value = Decimal(typed)
    elif isinstance(typed, float | Decimal):
        try:
            value = Decimal(repr(typed)) if isinstance(typed, float) else typed
        except InvalidOperation:  # repr of nan and inf
            raise NumberError(_("Enter a number.")) from None
        if not value.is_finite():
            raise NumberError(_("Enter a number."))
        shown = f"{value:f}"
    elif isinstance(typed, str):
        shown = typed.strip().strip(_INVISIBLE).strip()
        value = _from_text(shown, percent=percent)
    else:
        raise NumberError(_("Enter a number."))
    return _fit(value, shown, max_digits=max_digits, decimal_places=decimal_places, negative=allow_negative)


def _from_text(shown: str, *, percent: bool) -> Decimal:
    if not shown:
        raise NumberError(_("Enter a number."))
    text = shown.translate(_WIDTH)
    if text.endswith("%"):
        if not percent:
            raise NumberError(
                _("“%(value)s” is a percentage; write the number without %%.") % {"value": shown}
            )
        text = text[:-1].rstrip()
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        raise NumberError(_why_not(shown, text))
    digits = match["whole"].replace(",", "") + "." + (match["fraction"] or "")
    return Decimal(match["sign"] + digits.rstrip(".") if digits != "." else "0")


def _why_not(shown: str, text: str) -> str:
    """The most useful reason a text is not a number."""
    text = fold_width(text)
    if any(ch.isdigit() and ch not in "0123456789" for ch in text):
        return _("“%(value)s” uses digits other than 0–9; type the number with 0–9.") % {"value": shown}
    if re.fullmatch(r"[+-]?[0-9.,]*[0-9][eE][+-]?[0-9]+", text):
        return _("“%(value)s” is written with an exponent; write the number out in full.") % {"value": shown}
    if re.fullmatch(r"[+-]?[0-9,]+(\.[0-9]*)?", text) and "," in text:
        return _(
            "“%(value)s”: a comma may only separate groups of three digits, as in 12,345.5; "
            "the decimal point is a point."
        ) % {"value": shown}
    return _("“%(value)s” is not a number.") % {"value": shown}


def _fit(value: Decimal, shown: str, *, max_digits: int, decimal_places: int, negative: bool) -> Decimal:
    if value.is_zero():
        value = abs(value)  # -0 is 0
    if value < 0 and not negative:
        raise NumberError(_("“%(value)s” is negative; enter a number of at least 0.") % {"value": shown})
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if -exponent > decimal_places:
        rounded = value.quantize(Decimal(1).scaleb(-decimal_places), context=_WIDE) if _small(value) else None
        if rounded is None or rounded != value:
            if decimal_places == 0:
                raise NumberError(_("“%(value)s”: enter a whole number.") % {"value": shown})
            raise NumberError(
                ngettext(
                    "At most %(places)d decimal place is allowed.",
                    "At most %(places)d decimal places are allowed.",
                    decimal_places,
                )
                % {"places": decimal_places}
            )
        value = rounded  # 8.500 is 8.50: only zeros were dropped
    if abs(value) > largest(max_digits, decimal_places):
        raise NumberError(
            _("“%(value)s” is too large: at most %(max)s.")
            % {"value": shown, "max": f"{largest(max_digits, decimal_places):f}"}
        )
    if exponent > 0:
        value = value.quantize(Decimal(1), context=_WIDE)  # 1E+2 is 100
    return value


def _small(value: Decimal) -> bool:
    # Quantizing 1E-999999 to two places would need a million digits of precision: not worth trying.
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent > -60 and value.adjusted() < 60


def percent(share: Decimal, *, left: bool = False) -> str:
    """A share of 1 as an exact percentage, without trailing zeros: 0.200 is "20%", 0.125 "12.5%";
    with `left`, what the share leaves of the whole (0.200: "80%")."""
    value = (1 - share if left else share) * 100
    return f"{value.normalize(Context(prec=200)):f}%" if value else "0%"


def shown(value: Any, places: int) -> str:
    """`value` as `{{ value|floatformat:places }}` shows it: rounded half-up to `places` decimals, or,
    with a negative `places`, to that many unless it is a whole number (`-2`: 4.5 is "4.50", 4 is "4").

    What floatformat treats apart (not a finite number, None and text, which show as "", and numbers
    of more than 200 digits and exponent) is left to floatformat itself."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return str(floatformat(value, places))
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) + abs(exponent) > 200:  # floatformat's own cut-off: such a value is shown as is
        return str(floatformat(value, places))
    whole = number == number.to_integral_value()
    if whole and places <= 0:
        return str(int(number))
    # The precision floatformat gives the rounding: enough for every digit of the result.
    units = len(digits) + (exponent if whole else -exponent)
    precision = max(getcontext().prec, abs(places) + units + 1)
    rounded = number.quantize(Decimal(1).scaleb(-abs(places)), ROUND_HALF_UP, Context(prec=precision))
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:f}"  # -0.00 is 0.00

"""Reading numbers and text from a query string, where anyone can type anything.

A filter in the address (`?department=12`, `?year=2026`) is a convenience, not a form: garbage in it
(letters, superscript digits, 99999999999999999999, NUL characters) means "no such filter", never an
error page. Views read their query parameters through these functions.
"""

from kaoping.core.limits import ID_MAX


def int_param(value: str | None, *, low: int, high: int, default: int | None = None) -> int | None:
    """`value` as an integer in low..high, else `default`."""
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:  # also for "²", "1e3" and digit strings longer than Python reads
        return default
    return number if low <= number <= high else default


def id_param(value: str | None) -> int | None:
    """An object id from the query string, or None if it cannot be one."""
    return int_param(value, low=1, high=ID_MAX)


def text_param(value: str | None, *, max_length: int = 200, multiline: bool = False) -> str:
    """Free text typed outside a form (a search box, a short reason): control characters (NUL
    included, which PostgreSQL refuses to store) dropped, cut at `max_length`; line breaks kept if
    `multiline`."""
    if not value:
        return ""
    kept = "\n\t" if multiline else ""
    text = value.replace("\r\n", "\n")
    return "".join(c for c in text if c.isprintable() or c == " " or c in kept)[:max_length].strip()

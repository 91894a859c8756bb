"""Resident identity card numbers (居民身份证号码, GB 11643-1999): validation and masking."""

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits only: \d would take other scripts' too


def check_char(first17: str) -> str:
    """The check character (last position) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    """Strip spaces and upper-case the check character, as people type it either way."""
    return (value or "").strip().replace(" ", "").upper()


def is_valid(value: str) -> bool:
    """True when `value` is an 18-character number with a real birth date and a correct check character."""
    value = normalize(value)
    if not _PATTERN.match(value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return check_char(value[:17]) == value[17]


def mask(value: str) -> str:
    """Show the region and the last four characters only: 370183**********12."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[14:]


def birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))

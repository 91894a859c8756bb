"""Text as people type it: one rule for control characters, names and digit strings, for forms and imports.

- Control characters (U+0000–U+001F, U+007F–U+009F) are refused wherever a person types text: they
  are invisible, and an Excel file cannot hold them, so a village name holding one would break every
  workbook it is written to. A text that may span lines keeps its line breaks and tabs.
- Names (`person_name`) are compared and stored as one spelling: width-folded (NFKC), and the padding
  registers put between the characters of a two-character name (`曲　鑫`, `王 芳`) removed. Names in
  Latin letters keep single spaces between their words.
- Digit strings such as ID and phone numbers (`digit_string`) are width-folded and lose their blanks,
  so that `３７０１…` and `138 0000 0000` are read as the digits they are.
"""

import re
import unicodedata

from django.utils import translation  # type: ignore[import-untyped]


def _(message: str) -> str:
    return str(translation.gettext(message))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLANKS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\ufaff])\s+(?=[\u2e80-\u9fff\uf900-\ufaff])")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def control_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored (it holds a control character), or None."""
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if found is None:
        return None
    return _(
        "This text holds an invisible control character (U+%(code)04X) at position %(position)d, "
        "probably copied from another program; type the text again."
    ) % {"code": ord(found.group()), "position": found.start() + 1}


def person_name(value: str) -> str:
    """A person's name as stored and compared: `曲　鑫` and `曲鑫` are one person."""
    name = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value or ""))
    name = _BLANKS.sub(" ", name).strip()
    return _CJK_GAP.sub("", name)


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(value: str) -> str:
    """Full-width letters, digits and signs (what a Chinese input method types) as their ASCII forms.

    Only the full-width block is folded: circled, superscript or other scripts' digits stay what they
    are, so that a check for 0-9 refuses them.
    """
    return value.translate(_FULL_WIDTH)


def digit_string(value: str) -> str:
    """An ID or phone number as typed: width-folded, with its blanks and dashes removed."""
    return re.sub(r"[\s\-\u200b-\u200d\u2060\ufeff]", "", fold_width(value or ""))

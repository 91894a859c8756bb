"""Excel in and out: declare a sheet's columns once, then write its template, write exports, read uploads.

A `Sheet` is a title and a tuple of `Column`s. A column names its header (translatable), the key its
value goes under, and its `Kind`: how a cell becomes a value (raising `CellError` with a message the
user can act on) and how a value becomes a cell. From that one declaration:

- `write_template(sheet)`: a workbook to fill in, with a styled and frozen header row, drop-downs for
  columns that have a list of values, and an instructions sheet explaining every column with an example;
- `write_rows(sheet, rows)`: an export of `rows` (mappings of key to value), which imports back as it is;
- `read(sheet, file)`: the data rows of an uploaded workbook as values, with every cell problem located
  by the row number Excel shows and the column; or a `SpreadsheetError` when the file as a whole cannot
  be used (not an .xlsx, damaged, empty, too large, required columns missing).

Headers and choice labels are recognised in every language of settings.LANGUAGES and in the aliases a
declaration gives, so a template downloaded in English imports in a Chinese session and vice versa.
Nothing here touches the database: an importer resolves names to objects itself, in bulk, and adds its
own problems to the `Table` so that the user gets one list.
"""

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import IO, Any
from urllib.parse import quote

import openpyxl
from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import iterparse

from kaoping.core import text as typed_text
from kaoping.core.errors import DomainError
from kaoping.core.numbers import MONEY_FORMAT, NumberError, parse_number

Label = str | Promise
Properties = Mapping[str, int | str]  # custom document properties of a workbook: name → value

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# A small .xlsx can unpack to gigabytes (a "zip bomb"); refuse archives that would unpack past this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Offices often put a title line or two above the header row; look for the header this far down.
HEADER_SEARCH_ROWS = 10
# What a worksheet may span, whatever its number of data rows: a small file can declare a million rows
# or hold a row of millions of empty cells, which would take minutes and gigabytes to read. The sheet is
# scanned as a stream and refused at the first cell past these, before any cell is read.
MAX_SHEET_ROWS = 20_000
MAX_COLUMNS = 256
MAX_CELLS = 300_000
# Numbers of a column that does not say how many digits it holds: what a score column holds.
MAX_DIGITS = 12
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

YES = gettext_lazy("Yes")
NO = gettext_lazy("No")


class SpreadsheetError(DomainError):
    """The file as a whole cannot be used: not an .xlsx, damaged, empty, too large, columns missing."""


class CellError(ValueError):
    """A cell cannot be turned into a value; the message says what to write instead."""


# Kinds: how the cells of one column become values and back.


class Kind:
    """Plain values, passed through. Subclasses override what they need."""

    empty: Any = None  # the value of a blank cell
    number_format = "General"  # the Excel format of the column's cells
    strict = False  # True: the column's drop-down refuses anything but its options

    def parse(self, cell: Any) -> Any:
        """The value of a non-blank cell; raise `CellError` when the cell makes no sense."""
        return cell

    def format(self, value: Any) -> Any:
        """What to write in a cell for `value` (never called with a blank value)."""
        return value

    def options(self) -> list[str]:
        """The values a drop-down offers, in the current language; empty for free input."""
        return []

    def describe(self) -> str:
        """What the instructions sheet says about the values this kind accepts."""
        return ""


class Text(Kind):
    empty = ""
    # Text cells keep long digit strings (ID numbers, phone numbers) whole instead of 3.70183E+17.
    number_format = "@"

    def __init__(
        self,
        *,
        max_length: int | None = None,
        pattern: str | None = None,
        pattern_message: Label = "",
        clean: Callable[[str], str] | None = None,
        multiline: bool = False,
    ) -> None:
        self.max_length = max_length
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_message = pattern_message
        self.clean = clean  # e.g. `text.person_name`: how the text is normalised before it is checked
        self.multiline = multiline

    def parse(self, cell: Any) -> str:
        if isinstance(cell, float) and abs(cell) >= 1e15:
            raise CellError(
                _(
                    "Excel stored this long number as a number and kept only its first 15 digits. "
                    "Format the column as text and type the number again."
                )
            )
        text = display(cell)
        if problem := typed_text.control_problem(text, multiline=self.multiline):
            raise CellError(problem)
        if self.clean is not None:
            text = self.clean(text)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(
                _("At most %(max)d characters are allowed; this has %(length)d.")
                % {"max": self.max_length, "length": len(text)}
            )
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise CellError(str(self.pattern_message) or _("This is not in the expected form."))
        return text

    def describe(self) -> str:
        if self.max_length is not None:
            return _("Text, at most %(max)d characters") % {"max": self.max_length}
        return _("Text")


class Choice(Kind):
    """One of a fixed list of values; a cell may hold the value's label in any language, or an alias."""

    empty = ""
    strict = True

    def __init__(
        self, choices: Iterable[tuple[Any, Label]], *, aliases: Mapping[Any, Iterable[str]] | None = None
    ) -> None:
        self.choices = list(choices)
        self.aliases = {value: tuple(words) for value, words in (aliases or {}).items()}

    @cached_property
    def _values_by_spelling(self) -> dict[str, Any]:
        spellings: dict[str, Any] = {}
        for value, label in self.choices:
            for word in (str(value), *in_every_language(label), *self.aliases.get(value, ())):
                spellings.setdefault(normalize(word), value)
        return spellings

    def parse(self, cell: Any) -> Any:
        try:
            return self._values_by_spelling[normalize(display(cell))]
        except KeyError:
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": display(cell), "allowed": " / ".join(self.options())}
            ) from None

    def format(self, value: Any) -> str:
        return str(dict(self.choices).get(value, value))

    def options(self) -> list[str]:
        return [str(label) for _value, label in self.choices]

    def describe(self) -> str:
        return " / ".join(self.options())


class Boolean(Kind):
    """Yes or no. Cells may say 是/否, Y/N, yes/no, true/false, 1/0, √/×, or the labels in any language."""

    empty = False
    strict = True
    TRUE_WORDS = ("是", "对", "y", "yes", "true", "1", "√", "✓")
    FALSE_WORDS = ("否", "不是", "n", "no", "false", "0", "×", "✗")

    @cached_property
    def _words(self) -> dict[str, bool]:
        words = {normalize(w): True for w in (*self.TRUE_WORDS, *in_every_language(YES))}
        words.update({normalize(w): False for w in (*self.FALSE_WORDS, *in_every_language(NO))})
        return words

    def parse(self, cell: Any) -> bool:
        if isinstance(cell, bool):
            return cell
        try:
            return self._words[normalize(display(cell))]
        except KeyError:
            raise CellError(_("Write %(yes)s or %(no)s.") % {"yes": YES, "no": NO}) from None

    def format(self, value: Any) -> str:
        return str(YES if value else NO)

    def options(self) -> list[str]:
        return [str(YES), str(NO)]

    def describe(self) -> str:
        return _("%(yes)s or %(no)s (Y/N and 1/0 are understood too)") % {"yes": YES, "no": NO}


class Number(Kind):
    """A decimal number within the digits of its database column, optionally within bounds.

    Cells are read by `kaoping.core.numbers.parse_number`, as the grid and the forms read what is typed.
    """

    def __init__(
        self,
        *,
        places: int | None = None,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        max_digits: int = MAX_DIGITS,
    ) -> None:
        self.places = places
        self.minimum = minimum
        self.maximum = maximum
        self.max_digits = max_digits
        if places is not None:
            self.number_format = "0." + "0" * places if places else "0"

    def parse(self, cell: Any) -> Decimal:
        try:
            value = parse_number(
                cell,
                max_digits=self.max_digits,
                decimal_places=self.places if self.places is not None else 2,
                allow_negative=self.minimum is None or self.minimum < 0,
            )
        except NumberError as exc:
            raise CellError(exc.message) from None
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise CellError(_("Expected: %(what)s.") % {"what": self.describe()})
        return value

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return _("A number from %(min)s to %(max)s") % {"min": self.minimum, "max": self.maximum}
        if self.minimum is not None:
            return _("A number of at least %(min)s") % {"min": self.minimum}
        if self.maximum is not None:
            return _("A number of at most %(max)s") % {"max": self.maximum}
        return _("A number")


class Money(Number):
    """An amount in yuan to the fen: a number cell that Excel shows grouped by three (123,456.78)."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None) -> None:
        super().__init__(places=2, minimum=minimum, maximum=maximum)
        self.number_format = MONEY_FORMAT


class Date(Kind):
    """A date: a date cell, text such as 2025-03-31, 2025/3/31, 2025年3月31日 or 20250331 (full-width
    digits too), or a number typed into a cell formatted as a number (20250331, or an Excel serial).

    Dates outside `earliest` to `latest` years from now are refused as typing mistakes (1900-01-01,
    9999-12-31, or the serial 0 that Excel shows as 1900-01-00).
    """

    number_format = "yyyy-mm-dd"
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
    EARLIEST = date(2000, 1, 1)

    def __init__(self, *, earliest: date = EARLIEST, years_ahead: int = 10) -> None:
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> date:
        return date(timezone.localdate().year + self.years_ahead, 12, 31)

    def parse(self, cell: Any) -> date:
        value = self._date(cell)
        if value is None:
            raise CellError(
                _("“%(value)s” is not a date; write a date such as 2025-03-31.") % {"value": display(cell)}
            )
        if not self.earliest <= value <= self.latest():
            raise CellError(
                _("%(date)s is not a plausible date here: write a date from %(earliest)s to %(latest)s.")
                % {
                    "date": value.isoformat(),
                    "earliest": self.earliest.isoformat(),
                    "latest": self.latest().isoformat(),
                }
            )
        return value

    def _date(self, cell: Any) -> date | None:
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        if isinstance(cell, bool):
            return None
        if isinstance(cell, int | float):
            if float(cell).is_integer() and 10_000_101 <= cell <= 99_991_231:  # 20260305 typed as a number
                return self._date(str(int(cell)))
            if 1 <= cell < 2_958_466:  # an Excel serial (days since 1899-12-30), up to 9999-12-31
                try:
                    return from_excel(cell).date()
                except (ValueError, OverflowError, TypeError):
                    return None
            return None
        typed = re.sub(r"\s+", "", typed_text.fold_width(display(cell)))
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(typed, pattern).date()
            except ValueError:
                continue
        return None

    def describe(self) -> str:
        return _("A date such as 2025-03-31")


# The declaration.


@dataclass(frozen=True)
class Column:
    """One column of a sheet, declared once for the template, the export and the import."""

    key: str
    header: Label
    kind: Kind = field(default_factory=Text)
    required: bool = False  # the header must be present and every row must fill the cell
    example: Any = None  # a value (as `parse` returns it) shown on the instructions sheet
    help: Label = ""
    aliases: tuple[str, ...] = ()  # other headers accepted when reading, e.g. the Chinese term of the field
    options: tuple[str, ...] | None = None  # a drop-down that overrides the kind's, e.g. a town's villages
    importable: bool = True  # False: exports write it (a status, say) and reading ignores it
    hidden: bool = False  # written as a hidden column: a key the file needs but people need not see

    @property
    def label(self) -> str:
        return str(self.header)

    def offered(self) -> list[str]:
        return list(self.options) if self.options is not None else self.kind.options()

    def spellings(self) -> set[str]:
        return {normalize(w) for w in (*in_every_language(self.header), *self.aliases, self.key)}


@dataclass(frozen=True)
class Sheet:
    """A sheet's title, columns and general instructions."""

    title: Label
    columns: tuple[Column, ...]
    notes: tuple[Label, ...] = ()  # lines for the top of the instructions sheet

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def importable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.importable)


# What reading returns.


@dataclass(frozen=True)
class Problem:
    """Why one cell of an upload was refused."""

    row: int  # the row number Excel shows
    key: str
    column: str  # the column's header, in the current language
    cell: str  # the Excel reference such as "C5"; empty when the column is not in the file
    value: str  # what the cell held, as text
    message: str


@dataclass
class Row:
    number: int  # the row number Excel shows
    values: dict[str, Any]  # key -> parsed value (the kind's `empty` where blank or refused)
    cells: dict[str, Any]  # key -> the cell as read


@dataclass
class Table:
    """The data rows of an upload, and every problem found so far (importers add their own)."""

    sheet: Sheet
    header_row: int
    letters: dict[str, str]  # key -> the column's letter in the file
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Header cells that name no column of the declaration: (letter, header as shown).
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)
    _flagged: set[tuple[int, str]] = field(default_factory=set, repr=False)

    def add_problem(self, row: Row, key: str, message: str) -> None:
        self._flagged.add((row.number, key))
        letter = self.letters.get(key, "")
        self.problems.append(
            Problem(
                row=row.number,
                key=key,
                column=self.sheet.column(key).label,
                cell=f"{letter}{row.number}" if letter else "",
                value=display(row.cells.get(key)),
                message=message,
            )
        )

    def add_header_problem(self, letter: str, header: str, message: str) -> None:
        """A problem with a header cell: it is on the header row, under no declared column."""
        self.problems.append(
            Problem(
                row=self.header_row,
                key="",
                column=header,
                cell=f"{letter}{self.header_row}",
                value=header,
                message=message,
            )
        )

    def report_unknown_columns(self) -> None:
        """Make every header the declaration does not know a problem: an ignored column would look
        imported when it was not, so the import refuses the file instead (all or nothing)."""
        for letter, header in self.unknown_columns:
            self.add_header_problem(
                letter,
                header,
                _(
                    "This column is not one of the template's: “%(header)s”. Correct its header as in "
                    "the template, or delete the column."
                )
                % {"header": header},
            )

    def has_problem(self, row: Row, key: str) -> bool:
        return (row.number, key) in self._flagged

    def sorted_problems(self) -> list[Problem]:
        """The problems in reading order: by row, then by the declaration's column order."""
        order = {c.key: i for i, c in enumerate(self.sheet.columns)}
        return sorted(self.problems, key=lambda p: (p.row, order.get(p.key, len(order))))


# Reading.


def read(
    sheet: Sheet, file: IO[bytes] | bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Table:
    """The data rows of the uploaded workbook `file`, parsed by `sheet`'s columns.

    Reads the worksheet named like `sheet.title` (in any language), else the first one. Blank rows
    are skipped; cells that cannot be parsed become `Problem`s in the returned table. Raises
    `SpreadsheetError` when the file as a whole cannot be used.
    """
    content = _content(file, max_bytes)
    _check_container(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise SpreadsheetError(_damaged()) from exc
    try:
        worksheet = _data_worksheet(workbook, sheet)
        extent = _check_extent(worksheet)
        return _read_rows(sheet, worksheet, max_rows, extent)
    except SpreadsheetError:
        raise
    except Exception as exc:  # likewise when a damaged worksheet fails while its rows are read
        raise SpreadsheetError(_damaged()) from exc
    finally:
        workbook.close()


def _damaged() -> str:
    return _(
        "The file could not be read; it may be damaged. Open it in Excel or WPS, save it again and retry."
    )


def _not_xlsx() -> str:
    return _(
        "Only Excel workbooks (.xlsx) can be read. Open the file in Excel or WPS, "
        "save it as “Excel Workbook (.xlsx)” and upload that."
    )


def _too_large(limit: str) -> str:
    return _("The file is too large: at most %(limit)s. Split it into smaller files.") % {"limit": limit}


def _content(file: IO[bytes] | bytes, max_bytes: int) -> bytes:
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(max_bytes + 1)
    if not content:
        raise SpreadsheetError(_("The file is empty."))
    if len(content) > max_bytes:
        raise SpreadsheetError(_too_large(filesizeformat(max_bytes)))
    return content


def _check_container(content: bytes) -> None:
    """Refuse, before openpyxl sees it, anything that is not an .xlsx archive of a sane size."""
    if content.startswith(_OLD_EXCEL_MAGIC):
        raise SpreadsheetError(
            _(
                "This is an old-style Excel file (.xls). Open it in Excel or WPS, "
                "save it as “Excel Workbook (.xlsx)” and upload that."
            )
        )
    if not content.startswith(b"PK"):
        raise SpreadsheetError(_not_xlsx())
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(_damaged()) from exc
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise SpreadsheetError(_not_xlsx())  # a Word document or another zip
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_too_large(filesizeformat(MAX_UNPACKED_BYTES)))


def _data_worksheet(workbook, sheet: Sheet):
    titles = {normalize(_sheet_title(t)) for t in in_every_language(sheet.title)}
    for worksheet in workbook.worksheets:
        if normalize(worksheet.title) in titles:
            return worksheet
    if not workbook.worksheets:
        raise SpreadsheetError(_("The workbook has no worksheet."))
    return workbook.worksheets[0]


def _check_extent(worksheet) -> tuple[int, int]:
    """The last row and column holding a cell, read as a stream; refuses a sheet past the limits.

    The dimensions the file declares are checked first; as files may declare them wrongly, every cell
    is then counted on the way (without being read), and the scan stops at the first past a limit.
    """
    title = worksheet.title
    if (worksheet.max_row or 0) > MAX_SHEET_ROWS or (worksheet.max_column or 0) > MAX_COLUMNS:
        raise SpreadsheetError(_too_wide(title, worksheet.max_row or 0, worksheet.max_column or 0))
    last_row = last_column = cells = in_row = row = 0
    with worksheet._get_source() as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start" and tag == "row":
                row = int(element.get("r") or row + 1)
                in_row = 0
                if row > MAX_SHEET_ROWS:
                    raise SpreadsheetError(_too_wide(title, row, 0))
            elif event == "start" and tag == "c":
                cells += 1
                reference = element.get("r")
                in_row = (
                    column_index_from_string(coordinate_from_string(reference)[0])
                    if reference
                    else in_row + 1
                )
                if in_row > MAX_COLUMNS:
                    raise SpreadsheetError(_too_wide(title, row, in_row))
                if cells > MAX_CELLS:
                    raise SpreadsheetError(
                        _("The sheet “%(sheet)s” holds more than %(max)d cells; import it in smaller parts.")
                        % {"sheet": title, "max": MAX_CELLS}
                    )
                last_row, last_column = max(last_row, row), max(last_column, in_row)
            elif event == "end" and tag in ("row", "sheetData"):
                element.clear()  # a row's cells are counted, not kept
    return last_row, last_column


def _too_wide(title: str, rows: int, columns: int) -> str:
    return _(
        "The sheet “%(sheet)s” reaches row %(row)d, column %(column)d; at most %(rows)d rows and "
        "%(columns)d columns are read. Delete the empty rows and columns after your data (or copy the "
        "data into a new workbook) and upload it again."
    ) % {"sheet": title, "row": rows, "column": columns, "rows": MAX_SHEET_ROWS, "columns": MAX_COLUMNS}


def _cell(cell: Any) -> Any:
    """What a cell holds as the user sees it: a percentage cell's 0.95 is the text 95%."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        shown = (Decimal(repr(value)) * 100).normalize()
        return f"{shown:f}%"
    return value


def _read_rows(sheet: Sheet, worksheet, max_rows: int, extent: tuple[int, int]) -> Table:
    worksheet.reset_dimensions()  # some programs record wrong dimensions, which would cut rows short
    last_row, last_column = extent
    lines = (
        (number, tuple(_cell(cell) for cell in line))
        for number, line in enumerate(
            worksheet.iter_rows(max_row=max(last_row, 1), max_col=max(last_column, 1)), start=1
        )
    )
    header_row, positions, unknown = _find_header(sheet, worksheet.title, lines)
    table = Table(
        sheet=sheet,
        header_row=header_row,
        letters={key: get_column_letter(i + 1) for key, i in positions.items()},
        unknown_columns=unknown,
    )
    for number, line in lines:
        cells = {key: line[i] if i < len(line) else None for key, i in positions.items()}
        if all(_blank(cell) for cell in cells.values()):
            continue
        if len(table.rows) >= max_rows:
            raise SpreadsheetError(
                _("The sheet has more than %(max)d rows; import at most %(max)d at a time.")
                % {"max": max_rows}
            )
        row = Row(number=number, values={}, cells=cells)
        for column in sheet.importable:
            row.values[column.key] = _parse_cell(table, row, column)
        table.rows.append(row)
    if not table.rows:
        raise SpreadsheetError(_("The sheet has a header row but no data under it."))
    return table


def _find_header(
    sheet: Sheet, title: str, lines: Iterator[tuple[int, tuple]]
) -> tuple[int, dict[str, int], list[tuple[str, str]]]:
    """The header's row number, each known column's position in it, and the headers not understood.

    A header cell is matched by what it shows, whatever its type: a CSV opened in Excel turns the
    code 1.1 into a number, which still names the column 1.1.
    """
    by_spelling = {spelling: column for column in sheet.columns for spelling in column.spellings()}
    anything = False
    for number, line in lines:
        anything = anything or not all(_blank(cell) for cell in line)
        found: dict[int, Column] = {}
        unknown: list[tuple[str, str]] = []
        for i, cell in enumerate(line):
            if _blank(cell):
                continue
            column = _header_column(sheet, by_spelling, cell)
            if column is None:
                unknown.append((get_column_letter(i + 1), display(cell)))
            elif column.importable:
                found[i] = column
        if found:
            return number, _positions(sheet, found), unknown
        if number >= HEADER_SEARCH_ROWS:
            break
    if not anything:
        raise SpreadsheetError(_("The sheet “%(sheet)s” is empty.") % {"sheet": title})
    raise SpreadsheetError(
        _(
            "No header row was found in the sheet “%(sheet)s”. Its first row should hold the column "
            "names of the template, such as: %(names)s."
        )
        % {"sheet": title, "names": "、".join(c.label for c in sheet.importable[:4])}
    )


def _header_column(sheet: Sheet, by_spelling: dict[str, Column], cell: Any) -> Column | None:
    column = by_spelling.get(normalize(display(cell)))
    if isinstance(cell, str | bool) or not isinstance(cell, int | float):
        return column
    # A number: 1.1 names the column spelt 1.1 or 1.10, unless both exist (Excel shows 1.10 as 1.1).
    worth = Decimal(repr(cell))
    same = {
        column.key: column
        for spelling, column in by_spelling.items()
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", spelling) and Decimal(spelling) == worth
    }
    if len(same) > 1:
        raise SpreadsheetError(
            _(
                "The header %(header)s is a number, so it could name any of %(columns)s. Format the "
                "header row as text and type the column names again."
            )
            % {"header": display(cell), "columns": "、".join(c.label for c in same.values())}
        )
    return next(iter(same.values()), column)


def _positions(sheet: Sheet, found: dict[int, Column]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, column in found.items():
        if column.key in positions:
            raise SpreadsheetError(
                _("The column “%(column)s” appears twice in the header row.") % {"column": column.label}
            )
        positions[column.key] = i
    missing = [c.label for c in sheet.importable if c.required and c.key not in positions]
    if missing:
        raise SpreadsheetError(
            _(
                "These required columns are missing: %(columns)s. "
                "Start from the template: its header row has every column."
            )
            % {"columns": "、".join(missing)}
        )
    return positions


def _parse_cell(table: Table, row: Row, column: Column) -> Any:
    cell = row.cells.get(column.key)
    if _blank(cell):
        if column.required:
            table.add_problem(row, column.key, _("This cell must be filled in."))
        return column.kind.empty
    try:
        return column.kind.parse(cell)
    except CellError as exc:
        table.add_problem(row, column.key, str(exc))
    except (ValueError, ArithmeticError, TypeError):
        # A kind that failed on a cell it did not foresee: that cell is named, not the file called damaged.
        described = column.kind.describe()
        table.add_problem(
            row,
            column.key,
            _("This cell could not be read. Expected: %(what)s.") % {"what": described}
            if described
            else _("This cell could not be read."),
        )
    return column.kind.empty


# Writing.

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="B71C1C")  # the red of the application
_OPTIONAL_FILL = PatternFill("solid", fgColor="546E7A")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_template(sheet: Sheet, *, rows: int = MAX_ROWS, properties: Properties | None = None) -> bytes:
    """An empty workbook to fill in, in the current language.

    The first worksheet has the header row (required columns in red, each header carrying its help as a
    comment; frozen), text format on text columns, and drop-downs on the first `rows` data rows for every
    column with a list of values. A second worksheet explains each column with an example. `properties`
    are written as custom document properties (Excel and WPS keep them when the file is saved).
    """
    workbook = openpyxl.Workbook()
    _set_properties(workbook, properties)
    data = workbook.active
    data.title = _sheet_title(sheet.title)
    columns = sheet.importable
    _write_header(data, columns, with_help=True)
    _write_instructions(workbook.create_sheet(_sheet_title(_("Instructions"))), sheet)
    lists = workbook.create_sheet(_sheet_title(_("Lists")))
    for i, column in enumerate(columns, start=1):
        if offered := column.offered():
            _add_drop_down(data, lists, i, column, offered, rows)
    lists.sheet_state = "hidden"
    _set_widths(data, columns, [[display(_example(c)), *c.offered()] for c in columns])
    return _save(workbook)


def write_rows(
    sheet: Sheet,
    rows: Iterable[Mapping[str, Any]],
    *,
    instructions: bool = False,
    properties: Properties | None = None,
) -> bytes:
    """A workbook of `rows` (mappings of column key to value, as `read` returns them) under the header row.

    With `instructions`, the workbook is a prefilled template: headers carry their help as comments and
    a second worksheet explains every column, as in `write_template`. `properties` are written as custom
    document properties, as in `write_template`.
    """
    workbook = openpyxl.Workbook()
    _set_properties(workbook, properties)
    data = workbook.active
    data.title = _sheet_title(sheet.title)
    columns = sheet.columns
    _write_header(data, columns, with_help=instructions)
    if instructions:
        _write_instructions(workbook.create_sheet(_sheet_title(_("Instructions"))), sheet)
    samples: list[list[str]] = [[] for _column in columns]
    last = 1
    for last, values in enumerate(rows, start=2):
        for i, column in enumerate(columns):
            cell = data.cell(row=last, column=i + 1, value=_cell_value(column, values.get(column.key)))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never let a name starting with "=" become a formula
            cell.number_format = column.kind.number_format
            samples[i].append(display(cell.value))
    data.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    _set_widths(data, columns, samples)
    return _save(workbook)


def xlsx_response(content: bytes, *, filename: str, fallback: str) -> HttpResponse:
    """A download of `content` named `filename`, which may be Chinese (RFC 5987), with an ASCII fallback."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "-", fallback)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _cell_value(column: Column, value: Any) -> Any:
    if _blank(value):
        return None
    value = column.kind.format(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _example(column: Column) -> Any:
    return None if column.example is None else _cell_value(column, column.example)


def _write_header(worksheet: Worksheet, columns: Sequence[Column], *, with_help: bool) -> None:
    for i, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=i, value=_safe(column.label))
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required and column.importable else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        if with_help and column.help:
            cell.comment = Comment(_safe(column.help), "Kaoping", width=240, height=110)
        worksheet.column_dimensions[get_column_letter(i)].number_format = column.kind.number_format
        if column.hidden:
            worksheet.column_dimensions[get_column_letter(i)].hidden = True
    worksheet.row_dimensions[1].height = 30
    worksheet.freeze_panes = "A2"


def _add_drop_down(
    data: Worksheet, lists: Worksheet, index: int, column: Column, offered: list[str], rows: int
) -> None:
    # The values live on a hidden sheet: an inline list is limited to 255 characters and breaks on commas.
    letter = get_column_letter(index)
    lists.cell(row=1, column=index, value=column.label)
    for i, option in enumerate(offered, start=2):
        # A name stored before control characters were refused must not break the whole template.
        lists.cell(row=i, column=index, value=ILLEGAL_CHARACTERS_RE.sub("", option)).data_type = "s"
    validation = DataValidation(
        type="list",
        formula1=f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(offered) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if column.kind.strict else "warning",
        errorTitle=column.label[:32],
        error=_("Choose a value from the list.")[:255],
    )
    validation.add(f"{letter}2:{letter}{rows + 1}")
    data.add_data_validation(validation)


def _write_instructions(worksheet: Worksheet, sheet: Sheet) -> None:
    title = worksheet.cell(row=1, column=1, value=_("How to fill in “%(sheet)s”") % {"sheet": sheet.title})
    title.font = Font(bold=True, size=14)
    notes = [
        _(
            "Fill in the first worksheet, one row per record, from row 2. Keep the header row as it is; "
            "columns may be in any order, and optional columns may be left out."
        ),
        _("Red headers are required. Cells with a drop-down accept only the values of the list."),
        _(
            "Nothing is saved unless every row is correct: "
            "the upload lists every problem with its row number, to fix and upload again."
        ),
        *(str(note) for note in sheet.notes),
    ]
    for i, note in enumerate(notes, start=2):
        worksheet.cell(row=i, column=1, value=note)
    top = len(notes) + 3
    headers = [_("Column"), _("Required"), _("What to enter"), _("Example"), _("Notes")]
    for i, header in enumerate(headers, start=1):
        cell = worksheet.cell(row=top, column=i, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _OPTIONAL_FILL
        cell.border = _BORDER
    for number, column in enumerate(sheet.importable, start=top + 1):
        offered = column.offered()
        line = [
            column.label,
            str(YES) if column.required else "",
            " / ".join(offered) if offered else column.kind.describe(),
            display(_example(column)),
            str(column.help),
        ]
        for i, value in enumerate(line, start=1):
            cell = worksheet.cell(row=number, column=i, value=_safe(value) or None)
            cell.alignment = _WRAP
            cell.border = _BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDE", (18, 8, 36, 22, 50), strict=True):
        worksheet.column_dimensions[letter].width = width


def _set_widths(worksheet: Worksheet, columns: Sequence[Column], samples: Sequence[Iterable[str]]) -> None:
    """Widths that fit each header and the texts of its column, counting a Chinese character as two."""
    for i, (column, texts) in enumerate(zip(columns, samples, strict=True), start=1):
        widest = max([display_width(column.label) + 2, *(display_width(text) for text in texts)])
        worksheet.column_dimensions[get_column_letter(i)].width = min(max(widest + 2, 8), 50)


def _set_properties(workbook: openpyxl.Workbook, properties: Properties | None) -> None:
    """Custom document properties (File > Properties > Custom): whole numbers and texts."""
    for name, value in (properties or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"A document property is a whole number or a text, not {value!r}.")
        kind = IntProperty if isinstance(value, int) else StringProperty
        workbook.custom_doc_props.append(kind(name=name, value=value))


def properties_of(content: bytes) -> dict[str, Any]:
    """The custom document properties of a workbook (empty when it has none or cannot be read)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    except Exception:  # noqa: BLE001 - a damaged file has no properties to read
        return {}


def _save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(text: Label) -> str:
    """Text an Excel cell can hold: a name stored with a control character must not break the file."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text))


def _sheet_title(title: Label) -> str:
    # Excel forbids these characters in a worksheet's name and cuts it at 31.
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Sheet1"


# Small helpers, public because importers use them too.


def display(value: Any) -> str:
    """A cell's content as the user sees it: whole numbers without ".0", dates as 2025-03-31."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        # The shortest decimal that is this float, written out: 3.70783197003198E+17 is shown as
        # 370783197003198000, as Excel shows it, not as the float's 370783197003198016.
        return f"{Decimal(repr(value)).normalize():f}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def normalize(text: Any) -> str:
    """How headers and choice labels are compared: trimmed, case and width folded, a trailing * dropped."""
    text = unicodedata.normalize("NFKC", str(text)).strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def in_every_language(label: Label) -> set[str]:
    """`label` as each language of the site spells it (a plain string is itself in every language)."""
    if not isinstance(label, Promise):
        return {str(label)}
    spellings = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(str(label))
    return spellings


def display_width(text: str) -> int:
    """Columns a text takes in Excel: two for each Chinese (wide) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())

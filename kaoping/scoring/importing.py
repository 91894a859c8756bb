"""A score sheet in and out of Excel: one row per cadre, one column per indicator code.

The columns are declared once per sheet (the indicators differ by scheme): a hidden cadre ID column
that matches rows to cadres, the cadre's name and workplace for the reader, and one column per
indicator whose cells are checked by the same rule as the grid (`services.cell_problem`). The template
is the sheet as it stands, prefilled with the current values, so that the office can fill it in, or
correct it, and upload it back.

The import is all or nothing: every cell is checked first and every problem reported with its Excel
row and column; only then are the changed cells saved through `services.entries_save`, exactly as if
they had been typed into the grid (same checks, same audit entries). A blank cell clears the score; a
column left out of the file leaves its indicator as it is. Evidence notes are kept as they are.

An import is a save based on the sheet as it was downloaded: the template carries the sheet's
revision at download (a custom document property, kept by Excel and WPS when the file is saved), and
a cell the file would change that changed on the grid after the download is refused, with what it
holds now, instead of being overwritten. A file without that property is refused: download it again.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.core.numbers import NumberError, parse_number
from kaoping.core.spreadsheets import CellError, Column, Kind, Number, Problem, Sheet, Text
from kaoping.indicators import rules
from kaoping.indicators.models import Indicator, RuleKind

from . import services
from .models import ScoreEntry, ScoreSheet
from .selectors import sheet_cadres, sheet_indicators

__all__ = ["sheet_cadres", "sheet_indicators"]  # read from selectors, kept here for older imports

# A population has at most a few hundred cadres.
MAX_ROWS = 1000
CADRE_KEY = "cadre_id"
REVISION_PROPERTY = "kaoping-sheet-revision"  # the sheet's revision when the template was downloaded


def indicator_key(indicator: Indicator) -> str:
    return f"i{indicator.pk}"


class Score(Kind):
    """A raw value for one indicator, refused by the grid's own rule."""

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator

    def parse(self, cell: Any) -> Decimal:
        try:
            value = self._percentage(cell)
            if value is None:
                value = services.parse_value(cell)
        except NumberError as exc:
            raise CellError(exc.message) from None
        assert value is not None  # blank cells are not parsed
        if problem := services.cell_problem(self.indicator, value):
            raise CellError(problem)
        return value

    def _percentage(self, cell: Any) -> Decimal | None:
        """A percentage cell (`95%`) as the percentage the person sees, where the rule reads it so.

        A completion ratio against a target of 100 is a percentage: 95% is 95. Anywhere else a
        percentage would be a guess (95% of what?), so it is refused with a message.
        """
        if not (isinstance(cell, str) and cell.strip().endswith(("%", "％"))):
            return None
        indicator = self.indicator
        if indicator.rule_kind == RuleKind.COMPLETION and indicator.target == 100:
            return parse_number(cell, max_digits=12, decimal_places=2, allow_negative=True, percent=True)
        raise NumberError(
            _(
                "“%(value)s” is a percentage, but %(code)s is not scored as a percentage of 100; "
                "write the value itself, as the grid takes it."
            )
            % {"value": cell.strip(), "code": indicator.code}
        )

    def describe(self) -> str:
        return rules.describe(self.indicator)


def score_sheet(indicators: list[Indicator]) -> Sheet:
    """The columns of a score sheet with these indicators."""
    return Sheet(
        title=gettext_lazy("Scores"),
        notes=(
            gettext_lazy(
                "One row per cadre, one column per indicator (its number). Rows are matched by the hidden "
                "cadre ID column: keep it as downloaded, and do not add rows for new cadres."
            ),
            gettext_lazy(
                "A blank cell clears the score; a column removed from the file leaves that indicator "
                "unchanged. Evidence notes are entered in the grid and kept as they are."
            ),
        ),
        columns=(
            Column(
                CADRE_KEY,
                gettext_lazy("Cadre ID"),
                Number(places=0, minimum=Decimal(1), max_digits=18),  # 12.0 (some programs) is 12
                required=True,
                hidden=True,
                aliases=("cadre id",),
            ),
            Column("name", gettext_lazy("Name"), Text(), importable=False),
            Column("workplace", gettext_lazy("Department or village"), Text(), importable=False),
            *(
                Column(
                    indicator_key(indicator),
                    indicator.code,
                    Score(indicator),
                    help=_("%(name)s (%(category)s), maximum %(max)s")
                    % {
                        "name": indicator.name,
                        "category": indicator.category.name,
                        "max": rules.number(indicator.max_score),
                    },
                )
                for indicator in indicators
            ),
        ),
    )


def sheet_template(sheet: ScoreSheet) -> bytes:
    """The sheet as it stands, in the columns of the import, with an instructions worksheet."""
    indicators = sheet_indicators(sheet)
    values = {(c, i): v for c, i, v in sheet.entries.values_list("cadre_id", "indicator_id", "value")}
    rows = [
        {
            CADRE_KEY: cadre.pk,
            "name": cadre.name,
            "workplace": str(cadre.workplace or ""),
            **{indicator_key(i): values.get((cadre.pk, i.pk)) for i in indicators},
        }
        for cadre in sheet_cadres(sheet)
    ]
    # The sheet's revision goes in as a custom document property, written with the workbook.
    return spreadsheets.write_rows(
        score_sheet(indicators), rows, instructions=True, properties={REVISION_PROPERTY: sheet.revision}
    )


def _revision_of(content: bytes) -> int | None:
    """The sheet revision the file was downloaded at, or None when the file does not say."""
    value = spreadsheets.properties_of(content).get(REVISION_PROPERTY)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass
class ImportResult:
    """What an import did: how many scores changed, or (nothing changed) every problem found."""

    changed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sheet_import(*, actor, sheet: ScoreSheet, file: IO[bytes] | bytes) -> ImportResult:
    """Save every changed cell of an uploaded score sheet, or nothing at all.

    Returns how many scores changed, or every problem with its row number and column while nothing
    changes. Raises `SpreadsheetError` (a `DomainError`) when the file itself cannot be used, and
    `DomainError` when the sheet cannot be changed now (closed month, not a draft, not one's population).
    """
    indicators = sheet_indicators(sheet)
    content = file if isinstance(file, bytes) else file.read(spreadsheets.MAX_BYTES + 1)
    table = spreadsheets.read(score_sheet(indicators), content, max_rows=MAX_ROWS)
    revision = _revision_of(content)
    if revision is None:
        raise DomainError(
            _(
                "This file does not say when it was downloaded, so scores changed on the grid since "
                "could be overwritten unseen. Download the Excel file again, copy your values into it, "
                "and import that file."
            )
        )
    cadres = {c.pk: c for c in sheet_cadres(sheet)}  # the month's roster: nobody else has a row
    existing = {(e.cadre_id, e.indicator_id): e for e in ScoreEntry.objects.filter(sheet=sheet)}
    for letter, header in table.unknown_columns:
        # A column ignored would look like a score imported: say so, and import nothing.
        table.add_header_problem(
            letter,
            header,
            _(
                "No indicator of this sheet has the number “%(header)s”. Correct the header, or delete "
                "the column if it holds no scores."
            )
            % {"header": header},
        )
    present = [i for i in indicators if indicator_key(i) in table.letters]
    first_row: dict[int, int] = {}
    cells: list[services.Cell] = []
    for row in table.rows:
        number = row.values[CADRE_KEY]
        if number is None:
            continue  # a blank ID is already a problem of the row
        cadre = cadres.get(int(number)) if number == number.to_integral_value() else None
        if cadre is None:
            table.add_problem(
                row,
                CADRE_KEY,
                _("No cadre of this sheet has this ID. Keep the hidden ID column as downloaded."),
            )
            continue
        first = first_row.setdefault(cadre.pk, row.number)
        if first != row.number:
            table.add_problem(
                row, CADRE_KEY, _("%(name)s is already on row %(row)d.") % {"name": cadre.name, "row": first}
            )
            continue
        for indicator in present:
            value = row.values[indicator_key(indicator)]
            entry = existing.get((cadre.pk, indicator.pk))
            if (entry.value if entry else None) == value:
                continue
            cells.append(services.Cell(cadre.pk, indicator.pk, value, entry.note if entry else ""))
    if table.problems:
        return ImportResult(problems=table.sorted_problems())
    return ImportResult(
        changed=services.entries_save(actor=actor, sheet=sheet, cells=cells, based_on_revision=revision)
    )

"""The dossier as a Word document in the house style of official documents (`kaoping/core/documents.py`:
A4, 仿宋 text, 黑体 headings, "— N —" page numbers at the outer edge), with narrower margins for its
tables, and as PDF through the bulletins' LibreOffice conversion. Each section is written from its
`Table`, so a new section needs no code here.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from kaoping.accounts.models import User
from kaoping.core import documents as house
from kaoping.people.models import Cadre, Town

from .sections import Loaded, Table

TABLE_SIZE = 10.5  # 五号: a table of years of months stays legible and fits the type area
# Narrower than the official margins: a table of years of months needs the width.
MARGINS = house.Margins(top=30, bottom=28, left=25, right=22, footer=15)


def _repeat_header(row) -> None:
    """Repeat the header row at the top of every page the table runs onto."""
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def _cell(cell, text: str, face, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    house.font(paragraph.add_run(text), face, TABLE_SIZE, bold=bold)


def _table(doc, table: Table, width) -> None:
    columns = len(table.headers)
    grid = doc.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = table.widths if len(table.widths) == columns else [1.0] * columns
    total = sum(weights)
    for i, header in enumerate(table.headers):
        _cell(grid.rows[0].cells[i], str(header), house.HEITI)
    _repeat_header(grid.rows[0])
    for values in table.rows:
        row = grid.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        for i, value in enumerate(values):
            _cell(row.cells[i], str(value), house.FANGSONG)
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    grid.autofit = False
    for i, column in enumerate(grid.columns):
        column.width = int(width * weights[i] / total)
        for cell in column.cells:
            cell.width = int(width * weights[i] / total)


def dossier_docx(town: Town, cadre: Cadre, sections: list[Loaded], *, by: User) -> bytes:
    """The dossier as a .docx: a title, the cadre's present facts, then every section as a table."""
    doc = Document()
    width = house.house_page(doc, margins=MARGINS)

    title = house.paragraph(
        doc, _("Cadre dossier"), house.MASTHEAD, 26, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    title.paragraph_format.line_spacing = Pt(40)
    name = house.paragraph(doc, cadre.name, house.MASTHEAD, 18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    name.paragraph_format.line_spacing = Pt(32)
    facts = [town.name, cadre.group_label, cadre.position]
    if cadre.workplace:
        facts.append(str(cadre.workplace))
    if not cadre.is_active and cadre.deactivated_on:
        facts.append(_("left service on %(day)s") % {"day": house.chinese_date(cadre.deactivated_on)})
    house.paragraph(doc, "　".join(facts), house.FANGSONG, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    house.paragraph(
        doc,
        _("As of %(day)s. Monthly results are those of published months.")
        % {"day": house.chinese_date(timezone.localdate())},
        house.FANGSONG,
        12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )

    for number, loaded in enumerate(sections, start=1):
        heading = house.paragraph(
            doc, f"{_numeral(number)}、{loaded.section.title}", house.HEITI, 16, indent=False
        )
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.keep_with_next = True
        table = loaded.table
        if table.summary:
            summary = house.paragraph(doc, table.summary, house.FANGSONG, 12, indent=False)
            summary.paragraph_format.keep_with_next = True
        if table.rows:
            _table(doc, table, width)
        else:
            house.paragraph(doc, str(loaded.section.empty), house.FANGSONG, 12, indent=False)

    closing = house.paragraph(
        doc,
        _("Printed from Kaoping by %(who)s on %(day)s.")
        % {"who": by.get_full_name() or by.username, "day": house.chinese_date(timezone.localdate())},
        house.FANGSONG,
        10.5,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    closing.paragraph_format.space_before = Pt(18)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    """一 … 十, 十一 … 十九, 二十 …: section numbers as a Chinese document writes them."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[units - 1] if units else "")


def filename(cadre: Cadre, extension: str) -> str:
    return f"干部档案-{cadre.name}-{timezone.localdate():%Y%m%d}.{extension}"

"""The dossier as a Word document in the house style of official documents (`kaoping/core/documents.py`:
A4, 仿宋 text, 黑体 headings, "— N —" page numbers at the outer edge), with narrower margins for its
tables, and as PDF through the bulletins' LibreOffice conversion. Each section is written from its
`Table`, so a new section needs no code here.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kaoping.accounts.models import User
from kaoping.core import documents as house
from kaoping.people.models import Cadre, Town

from .sections import Loaded

TABLE_SIZE = house.TABLE_SIZE
# Narrower than the official margins: a table of years of months needs the width.
MARGINS = house.Margins(top=30, bottom=28, left=25, right=22, footer=15)


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
            doc, f"{house.numeral(number)}、{loaded.section.title}", house.HEITI, 16, indent=False
        )
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.keep_with_next = True
        table = loaded.table
        if table.summary:
            summary = house.paragraph(doc, table.summary, house.FANGSONG, 12, indent=False)
            summary.paragraph_format.keep_with_next = True
        if table.rows:
            house.table(doc, table.headers, table.rows, width, widths=table.widths, size=TABLE_SIZE)
        else:
            house.paragraph(doc, str(loaded.section.empty), house.FANGSONG, 12, indent=False)

    return house.printed_by(doc, by)


def filename(cadre: Cadre, extension: str) -> str:
    return f"干部档案-{cadre.name}-{timezone.localdate():%Y%m%d}.{extension}"

"""The annual report as a Word document in the house style of official documents
(`kaoping/core/documents.py`: A4 with the standard's margins, 仿宋 text, 黑体 and 楷体 headings, tables
whose header row repeats on each page, "— N —" page numbers at the outer edge), and so as PDF through
`core.documents.docx_to_pdf`. Each part is written from its blocks, as the page shows them."""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kaoping.accounts.models import User
from kaoping.core import documents as house

from .report import Report

TEXT_SIZE = 12  # 小四: notes and the lines above a table
TABLE_SIZE = 9.5  # a pool's grades take nine columns across the standard's type area


def report_docx(report: Report, *, by: User) -> bytes:
    doc = Document()
    width = house.house_page(doc)
    house.blank_line(doc)
    house.document_title(doc, report.title)
    house.paragraph(
        doc,
        f"（{report.status}）" if report.provisional else report.status,
        house.KAITI,
        14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    house.blank_line(doc)
    for number, part in enumerate(report.parts, start=1):
        house.heading(doc, f"{house.numeral(number)}、{part.title}")
        if not part.blocks:
            house.body(doc, part.empty)
            continue
        for index, block in enumerate(part.blocks, start=1):
            if block.title:
                house.heading(doc, f"（{house.numeral(index)}）{block.title}", level=2)
            for line in block.lines:
                p = house.paragraph(doc, line, house.FANGSONG, TEXT_SIZE)
                p.paragraph_format.line_spacing = Pt(20)
                p.paragraph_format.keep_with_next = True
            if block.rows:
                house.table(doc, block.headers, block.rows, width, widths=block.widths, size=TABLE_SIZE)
                house.paragraph(doc, "", house.FANGSONG, TEXT_SIZE, indent=False)
            elif block.empty:
                house.body(doc, block.empty)
    return house.printed_by(doc, by)


def filename(report: Report, extension: str) -> str:
    return f"{report.title}-{report.as_of:%Y%m%d}.{extension}"

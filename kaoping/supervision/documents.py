"""A bulletin as a Word document in the briefing (简报) layout of Party and government documents,
and as PDF through LibreOffice.

Layout: the house style of official documents (`kaoping/core/documents.py`: A4 with the margins of
GB/T 9704, the red masthead and rule, 仿宋 body with 黑体 and 楷体 headings, "— 1 —" at the outer edge),
with 第N期 centred under the masthead title, the line grid of 28 characters a line and 22 lines a
page, and a closing block 报/送/发 with the number of copies at the foot of the last page. Its PDF
is the house style's (`core.documents.docx_to_pdf`).
"""

import io
import re

from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from kaoping.core import documents as house

from .models import Bulletin

RED = house.RED  # the masthead's red, which a bulletin's title is printed in
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def _closing_block(doc, lines: list[str], width: Length) -> None:
    """`lines` as one paragraph in a frame at the foot of the page's type area (w:framePr), with a rule
    above and below; the last line (the copies) on the right, through a right tab."""
    paragraph = house.paragraph(doc, "", house.FANGSONG, 14, indent=False)
    run = paragraph.runs[0]
    for number, text in enumerate(lines):
        if number:
            run.add_break()
        if number == len(lines) - 1:
            run.add_tab()
        run.add_text(text)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(14)
    pPr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w", str(int(width) // 635)),
        ("wrap", "notBeside"),
        ("vAnchor", "margin"),
        ("hAnchor", "margin"),
        ("xAlign", "center"),
        ("yAlign", "bottom"),
    ):
        frame.set(qn(f"w:{key}"), value)
    pPr.insert(0, frame)
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):
        rule = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "1"), ("color", "000000")):
            rule.set(qn(f"w:{key}"), value)
        borders.append(rule)
    frame.addnext(borders)
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(int(width - Pt(28)) // 635))
    tabs.append(tab)
    borders.addnext(tabs)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a .docx in the briefing layout."""
    doc = Document()
    width = house.house_page(doc)
    house.line_grid(doc)
    house.masthead(
        doc,
        title="督查通报",
        number=bulletin.number_label or _("(not yet numbered)"),
        issuer=bulletin.issuer,
        date=bulletin.issued_on,
        width=width,
    )
    house.document_title(doc, bulletin.title)
    house.blank_line(doc)

    for block in re.split(r"\n\s*\n", bulletin.body.strip()):
        text = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if not text:
            continue
        if HEADING_1.match(text) or HEADING_2.match(text):
            house.heading(doc, text, level=1 if HEADING_1.match(text) else 2)
        else:
            house.body(doc, text)

    # The closing block (版记): recipients between two rules, the copies on the right, in a table that
    # floats at the foot of the type area of the page it falls on, the last one, whatever the length
    # of the text above it.
    lines = [
        f"{label}：{value}"
        for label, value in (("报", bulletin.report_to), ("送", bulletin.send_to), ("发", bulletin.issue_to))
        if value
    ]
    lines.append(f"（共印{bulletin.copies}份）")
    _closing_block(doc, lines, width)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(bulletin: Bulletin, extension: str) -> str:
    label = bulletin.number_label or "draft"
    return f"督查通报{bulletin.year or ''}{label}.{extension}"

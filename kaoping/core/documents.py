"""The house style of the town's official documents (.docx written with python-docx), after the
national standard for Party and government documents, GB/T 9704.

The style: an A4 page with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm);
page numbers "— 1 —" in 仿宋 14 pt in the footer at the outer edge (right on odd pages, left on even
ones); a masthead of a red title in 方正小标宋简体, the issuing office on the left and the date
(2026年5月8日) on the right above a full-width red rule; the document's own title in 方正小标宋简体
22 pt; body text in 仿宋 16 pt (三号) with a two-character first-line indent, headings 一、 in 黑体 and
（一） in 楷体, lines exactly 28 pt apart, so that with `line_grid` a page holds 22 lines of 28
characters. Each run names the official face only, as East Asian (w:eastAsia) and Latin font alike:
an office PC that has the faces shows them, and the server's PDF substitutes installed fonts through
fontconfig rather than the document naming a fallback.

Bulletins, dossiers, the secretary's office meeting's compilation and the quarterly meeting's record
are written with these pieces; what only one of them has (a bulletin's closing block, a dossier's
tables) stays in its app. Each becomes a PDF through LibreOffice (`docx_to_pdf`), which substitutes
installed fonts for the official faces the document names through fontconfig (fonts/fonts.conf maps
them to Noto CJK), rather than the document naming a fallback.
"""

import datetime
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from kaoping.core.errors import DomainError

# fonts/fonts.conf says which installed font stands in for each official face (FANGSONG, ...).
FONTCONFIG = Path(__file__).with_name("fonts") / "fonts.conf"
RED = RGBColor(0xE6, 0x00, 0x12)
# The official faces (GB/T 9704). Which installed font stands in for each is the PDF step's business.
MASTHEAD = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
CHARS_PER_LINE = 28
LINE_PITCH = Pt(28)  # 22 lines on the A4 type area
BODY_SIZE = 16  # 三号
PAGE_NUMBER_SIZE = 14  # 四号
CONDENSE = 5  # twentieths of a point
# The line grid: a character grid (linesAndChars) makes LibreOffice give each 16 pt character two
# cells of its 15.8 pt pitch, halving the line; the condensed characters make the 28 instead.
GRID_TYPE = "lines"


@dataclass(frozen=True)
class Margins:
    """A page's margins and the footer's distance from the bottom edge, in millimetres."""

    top: float
    bottom: float
    left: float
    right: float
    footer: float


# GB/T 9704: a type area of 156 mm × 225 mm on A4.
OFFICIAL_MARGINS = Margins(top=37, bottom=35, left=28, right=26, footer=20)


def chinese_date(day: datetime.date) -> str:
    """2026年5月8日, the way a document's date is written."""
    return f"{day.year}年{day.month}月{day.day}日"


_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """一 … 十, 十一 … 十九, 二十 …: the numbers of a document's parts as Chinese documents write them."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[units - 1] if units else "")


def name_face(rPr: CT_RPr, face: str) -> None:
    """Name `face` for Chinese (w:eastAsia) and Latin text alike; Word picks the East Asian font for
    Chinese characters only when w:eastAsia names it."""
    fonts = rPr.get_or_add_rFonts()
    for key in ("eastAsia", "ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{key}"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _condense(rPr: CT_RPr) -> None:
    """Narrow each character by CONDENSE twentieths of a point: a 16 pt character is then a little
    narrower than the grid's pitch of 442 pt ÷ 28 and takes one cell of it, not two (LibreOffice
    gives a character wider than the pitch two cells; Word squeezes it)."""
    spacing = rPr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rPr.append(spacing)
    spacing.set(qn("w:val"), str(-CONDENSE))


def font(run: Run, face: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    """Set a run in `face` at `size` points; body-size text is condensed to keep 28 characters a line."""
    run.font.size = Pt(size)
    run.font.bold = bold
    if size == BODY_SIZE:
        _condense(run._element.get_or_add_rPr())
    run.font.name = face
    if color is not None:
        run.font.color.rgb = color
    name_face(run._element.get_or_add_rPr(), face)


def paragraph(
    doc: Document,
    text: str,
    face: str,
    size: float,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    color: RGBColor | None = None,
    indent: bool = True,
) -> Paragraph:
    """A paragraph of one run: no space before or after, lines exactly LINE_PITCH apart, the first line
    indented by two characters unless `indent` is False."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    font(p.add_run(text), face, size, bold=bold, color=color)
    return p


def body(doc: Document, text: str) -> Paragraph:
    """A paragraph of body text: 仿宋 三号, indented."""
    return paragraph(doc, text, FANGSONG, BODY_SIZE)


def blank_line(doc: Document) -> Paragraph:
    """An empty line of body size, as between the masthead, the title and the text."""
    return paragraph(doc, "", FANGSONG, BODY_SIZE, indent=False)


def heading(doc: Document, text: str, *, level: int = 1) -> Paragraph:
    """A heading in the text: 一、 in 黑体 (level 1) or （一） in 楷体 (level 2), at body size and
    indented like the text; never left alone at the foot of a page."""
    p = paragraph(doc, text, HEITI if level == 1 else KAITI, BODY_SIZE)
    p.paragraph_format.keep_with_next = True
    return p


def rule(p: Paragraph, *, color: str = str(RED), size: int = 18) -> None:
    """A full-width line under the paragraph (a bottom border: it spans the type area); `size` in
    eighths of a point."""
    pPr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    pPr.append(borders)


def right_tab(p: Paragraph, position: Length) -> None:
    """A right-aligned tab stop at `position` from the left margin: text after a tab ends there."""
    pPr: CT_PPr = p._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(int(position) // 635))  # EMU to twentieths of a point
    tabs.append(tab)
    pPr.append(tabs)


def page_number(p: Paragraph, face: str = FANGSONG) -> None:
    """— PAGE — as a field, so that every page shows its own number."""
    font(p.add_run("— "), face, PAGE_NUMBER_SIZE)
    run = p.add_run()
    font(run, face, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)
    font(p.add_run(" —"), face, PAGE_NUMBER_SIZE)


def outer_page_numbers(doc: Document, section: Section) -> None:
    """Page numbers at the outer edge: right on odd pages, left on even ones (the document's settings
    allow different even and odd footers: w:evenAndOddHeaders, in its place among the settings)."""
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    page_number(even)


def house_page(doc: Document, *, margins: Margins = OFFICIAL_MARGINS) -> Length:
    """Set the document's page up: A4 with `margins`, page numbers at the outer edge; return the width
    of the type area (for tab stops, frames and tables)."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    section.footer_distance = Mm(margins.footer)
    outer_page_numbers(doc, section)
    return Length(section.page_width - section.left_margin - section.right_margin)


def line_grid(doc: Document) -> None:
    """The document grid: lines LINE_PITCH apart, 22 a page; CHARS_PER_LINE characters of 三号 (16 pt,
    condensed by CONDENSE) fill the type area's 156 mm (442 pt) line. Text in the Normal style is 仿宋
    三号 too."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    normal.font.name = FANGSONG
    name_face(normal.element.get_or_add_rPr(), FANGSONG)
    sectPr = doc.sections[0]._sectPr
    for old in sectPr.findall(qn("w:docGrid")):
        sectPr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    sectPr.append(grid)


def masthead(
    doc: Document,
    *,
    title: str,
    issuer: str,
    date: datetime.date | None,
    width: Length,
    number: str | None = None,
    size: float = 48,
    line_spacing: float = 60,
) -> None:
    """The masthead: `title` in red 方正小标宋简体 (`size` points, lines `line_spacing` apart), the
    issue's `number` (第7期) centred under it if there is one, then the issuing office on the left
    and the date on the right (none before it is set) above the red rule across the type area of
    `width`, and an empty line."""
    head = paragraph(
        doc, title, MASTHEAD, size, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED, indent=False
    )
    head.paragraph_format.line_spacing = Pt(line_spacing)
    if number is not None:
        paragraph(doc, number, FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    issued = chinese_date(date) if date else ""
    line = paragraph(doc, f"{issuer}\t{issued}", FANGSONG, BODY_SIZE, indent=False)
    right_tab(line, width)
    rule(line)
    blank_line(doc)


def document_title(doc: Document, text: str) -> Paragraph:
    """The document's own title under the masthead: 方正小标宋简体 22 pt (二号), centred."""
    p = paragraph(doc, text, MASTHEAD, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    p.paragraph_format.line_spacing = Pt(36)
    return p


TABLE_SIZE = 10.5  # 五号: a table of years of months stays legible and fits the type area


def repeat_header(row) -> None:
    """Repeat the header row at the top of every page the table runs onto."""
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def _cell(cell, text: str, face: str, size: float, *, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    font(p.add_run(text), face, size, bold=bold)


def table(
    doc: Document,
    headers: list[str],
    rows: list[list[str]],
    width: Length,
    *,
    widths: list[float] | None = None,
    size: float = TABLE_SIZE,
) -> None:
    """A grid table across the type area of `width`: the header row in 黑体, repeated on every page the
    table runs onto, the rows in 仿宋 at `size` points, a row never broken across pages; `widths` are
    the columns' relative widths (equal when not given or not one per column)."""
    columns = len(headers)
    grid = doc.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = widths if widths and len(widths) == columns else [1.0] * columns
    total = sum(weights)
    for i, header in enumerate(headers):
        _cell(grid.rows[0].cells[i], str(header), HEITI, size)
    repeat_header(grid.rows[0])
    for values in rows:
        row = grid.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        for i, value in enumerate(values):
            _cell(row.cells[i], str(value), FANGSONG, size)
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    grid.autofit = False
    for i, column in enumerate(grid.columns):
        column.width = int(width * weights[i] / total)
        for cell in column.cells:
            cell.width = int(width * weights[i] / total)


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(content: bytes, *, timeout: int = 120) -> bytes:
    """Convert a .docx to PDF with LibreOffice headless; DomainError when LibreOffice is missing."""
    program = soffice()
    if program is None:
        raise DomainError(
            _(
                "PDF needs LibreOffice, which is not installed on the server. Install the packages "
                "libreoffice-writer-nogui and fonts-noto-cjk, or download the Word document instead."
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(content)
        # A private profile: LibreOffice refuses to run twice on one profile at the same time.
        profile = Path(tmp, "profile").as_uri()
        # The official faces the document names are substituted by fonts/fonts.conf (and the
        # system's fonts when they have them): fontconfig reads it through FONTCONFIG_FILE.
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG)}
        result = subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
            env=env,
        )
        target = Path(tmp) / "document.pdf"
        if result.returncode != 0 or not target.exists():
            raise DomainError(_("LibreOffice could not convert the document to PDF."))
        return target.read_bytes()


def printed_by(doc: Document, by) -> bytes:
    """End a document with who printed it and when, right-aligned, and return it as .docx bytes."""
    closing = paragraph(
        doc,
        _("Printed from Kaoping by %(who)s on %(day)s.")
        % {"who": by.get_full_name() or by.username, "day": chinese_date(timezone.localdate())},
        FANGSONG,
        10.5,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    closing.paragraph_format.space_before = Pt(18)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

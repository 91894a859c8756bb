"""A bulletin as a Word document in the briefing (简报) layout of Party and government documents,
and as PDF through LibreOffice.

Layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a red masthead title, 第N期
centred under it, the issuing office on the left and the date on the right above a full-width red
rule; body in 仿宋 16 pt (三号) with headings 一、 in 黑体 and （一） in 楷体; page numbers
"— 1 —" in the footer at the outer edge (right on odd pages, left on even); a closing block
报/送/发 with the number of copies, at the foot of the last page; a grid of 28 characters a line and
22 lines a page. Each run names the official face only (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312),
as East Asian and Latin font, so that an office PC that has them shows them; the server's PDF
substitutes installed fonts through fontconfig (fonts/fonts.conf maps the official names to Noto CJK),
rather than the document naming a fallback.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from kaoping.core.errors import DomainError

from .models import Bulletin

RED = RGBColor(0xE6, 0x00, 0x12)
# The official faces (GB/T 9704). fonts/fonts.conf says which installed font stands in for each.
MASTHEAD = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
FONTCONFIG = Path(__file__).with_name("fonts") / "fonts.conf"
CHARS_PER_LINE = 28
LINE_PITCH = Pt(28)  # 22 lines on the A4 type area
BODY_SIZE = 16  # 三号
CONDENSE = 5  # twentieths of a point
# The line grid: a character grid (linesAndChars) makes LibreOffice give each 16 pt character two
# cells of its 15.8 pt pitch, halving the line; the condensed characters make the 28 instead.
GRID_TYPE = "lines"
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def chinese_date(day) -> str:
    """2026年5月8日, the way a document's date is written."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_fonts(rPr, face: str) -> None:
    """Name `face` for Chinese (w:eastAsia) and Latin text alike; Word picks the East Asian font for
    Chinese characters only when w:eastAsia names it."""
    fonts = rPr.get_or_add_rFonts()
    for key in ("eastAsia", "ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{key}"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _font(run, face: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    if size == BODY_SIZE:
        _condense(run._element.get_or_add_rPr())
    run.font.name = face
    if color is not None:
        run.font.color.rgb = color
    _set_fonts(run._element.get_or_add_rPr(), face)


def _condense(rPr) -> None:
    """Narrow each character by CONDENSE twentieths of a point: a 16 pt character is then a little
    narrower than the grid's pitch of 442 pt ÷ 28 and takes one cell of it, not two (LibreOffice
    gives a character wider than the pitch two cells; Word squeezes it)."""
    spacing = rPr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rPr.append(spacing)
    spacing.set(qn("w:val"), str(-CONDENSE))


def _grid(doc, section) -> None:
    """The document grid: lines LINE_PITCH apart, 22 a page; CHARS_PER_LINE characters of 三号 (16 pt,
    condensed by CONDENSE) fill the type area's 156 mm (442 pt) line."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = FANGSONG
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    sectPr = section._sectPr
    for old in sectPr.findall(qn("w:docGrid")):
        sectPr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    sectPr.append(grid)


def _paragraph(doc, text: str, face, size: float, *, align=None, bold=False, color=None, indent=True):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), face, size, bold=bold, color=color)
    return p


def _rule(paragraph, *, color: str = "E60012", size: int = 18) -> None:
    """A full-width line under the paragraph (a bottom border: it spans the type area)."""
    pPr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    pPr.append(borders)


def _closing_block(doc, lines: list[str], width) -> None:
    """`lines` as one paragraph in a frame at the foot of the page's type area (w:framePr), with a rule
    above and below; the last line (the copies) on the right, through a right tab."""
    paragraph = _paragraph(doc, "", FANGSONG, 14, indent=False)
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


def _tabs(paragraph, right_pos) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(int(right_pos) // 635))
    tabs.append(tab)
    pPr.append(tabs)


def _page_number(paragraph, face) -> None:
    """— PAGE — as a field, so that every page shows its own number."""
    _font(paragraph.add_run("— "), face, 14)
    run = paragraph.add_run()
    _font(run, face, 14)
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
    _font(paragraph.add_run(" —"), face, 14)


def _settings_even_odd(doc) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a .docx in the briefing layout."""
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    width = section.page_width - section.left_margin - section.right_margin
    _grid(doc, section)

    # Page numbers at the outer edge: right on odd pages, left on even ones.
    _settings_even_odd(doc)
    section.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(odd, FANGSONG)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _page_number(even, FANGSONG)

    title = _paragraph(
        doc, "督查通报", MASTHEAD, 48, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED, indent=False
    )
    title.paragraph_format.line_spacing = Pt(60)
    number = bulletin.number_label or _("(not yet numbered)")
    _paragraph(doc, number, FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    issued = chinese_date(bulletin.issued_on) if bulletin.issued_on else ""
    head = _paragraph(doc, f"{bulletin.issuer}\t{issued}", FANGSONG, 16, indent=False)
    _tabs(head, width)
    _rule(head)
    _paragraph(doc, "", FANGSONG, 16, indent=False)
    heading = _paragraph(doc, bulletin.title, MASTHEAD, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    heading.paragraph_format.line_spacing = Pt(36)
    _paragraph(doc, "", FANGSONG, 16, indent=False)

    for block in re.split(r"\n\s*\n", bulletin.body.strip()):
        text = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if not text:
            continue
        if HEADING_1.match(text) or HEADING_2.match(text):
            heading = _paragraph(doc, text, HEITI if HEADING_1.match(text) else KAITI, 16)
            heading.paragraph_format.keep_with_next = True  # never a heading alone at a page's foot
        else:
            _paragraph(doc, text, FANGSONG, 16)

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
        source = Path(tmp) / "bulletin.docx"
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
        target = Path(tmp) / "bulletin.pdf"
        if result.returncode != 0 or not target.exists():
            raise DomainError(_("LibreOffice could not convert the bulletin to PDF."))
        return target.read_bytes()


def filename(bulletin: Bulletin, extension: str) -> str:
    label = bulletin.number_label or "draft"
    return f"督查通报{bulletin.year or ''}{label}.{extension}"

"""A bulletin as a Word document in the briefing (简报) layout of Party and government documents,
and as PDF through LibreOffice.

Layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a red masthead title, 第N期
centred under it, the issuing office on the left and the date on the right above a full-width red
rule; body in 仿宋 16 pt (三号) with headings 一、 in 黑体 and （一） in 楷体; page numbers
"— 1 —" in the footer at the outer edge (right on odd pages, left on even); a closing block
报/送/发 with the number of copies. Each font names the official face first and an East Asian
fallback that Debian ships (fonts-noto-cjk), so that a machine without 方正小标宋 or 仿宋_GB2312 still
shows every character.
"""

import functools
import io
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
# Each face: the official fonts in order of preference, then a fallback from fonts-noto-cjk.
MASTHEAD = ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC")
FANGSONG = ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC")
HEITI = ("黑体", "SimHei", "Noto Sans CJK SC")
KAITI = ("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC")
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def chinese_date(day) -> str:
    """2026年5月8日, the way a document's date is written."""
    return f"{day.year}年{day.month}月{day.day}日"


@functools.cache
def installed_families() -> frozenset[str] | None:
    """The font families fontconfig knows, or None when fc-list is missing (then the official fonts
    are named as they are, for the Windows machines of the offices that have them)."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    output = subprocess.run([program, ":", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in output.splitlines() for name in line.split(","))


def pick(face: tuple[str, ...]) -> str:
    """The first font of `face` installed here (the last one, a Noto CJK font, when none is)."""
    families = installed_families()
    if families is None:
        return face[0]
    return next((name for name in face if name in families), face[-1])


def _font(
    run, face: tuple[str, ...], size: float, *, bold: bool = False, color: RGBColor | None = None
) -> None:
    chosen = pick(face)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = chosen
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("eastAsia", "ascii", "hAnsi"):
        fonts.set(qn(f"w:{key}"), chosen)


def _paragraph(doc, text: str, face, size: float, *, align=None, bold=False, color=None, indent=True):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)  # 22 lines on the A4 type area
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

    # The closing block: recipients between two rules, the copies on the right.
    _paragraph(doc, "", FANGSONG, 16, indent=False)
    lines = [
        (label, value)
        for label, value in (("报", bulletin.report_to), ("送", bulletin.send_to), ("发", bulletin.issue_to))
        if value
    ]
    first = None
    for label, value in lines:
        p = _paragraph(doc, f"{label}：{value}", FANGSONG, 14, indent=False)
        first = first or p
    if first is not None:
        top = OxmlElement("w:pBdr")
        line = OxmlElement("w:top")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "1"), ("color", "000000")):
            line.set(qn(f"w:{key}"), value)
        top.append(line)
        first._p.get_or_add_pPr().append(top)
    copies = _paragraph(
        doc, f"（共印{bulletin.copies}份）", FANGSONG, 14, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    _rule(copies, color="000000", size=8)

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
        )
        target = Path(tmp) / "bulletin.pdf"
        if result.returncode != 0 or not target.exists():
            raise DomainError(_("LibreOffice could not convert the bulletin to PDF."))
        return target.read_bytes()


def filename(bulletin: Bulletin, extension: str) -> str:
    label = bulletin.number_label or "draft"
    return f"督查通报{bulletin.year or ''}{label}.{extension}"

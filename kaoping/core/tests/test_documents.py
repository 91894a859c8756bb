"""The house style of official documents: the page, the page numbers at the outer edge, the masthead."""

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kaoping.core import documents as house


def _reopened(doc):
    """The document as Word would read it back: saved and opened again."""
    out = io.BytesIO()
    doc.save(out)
    return Document(io.BytesIO(out.getvalue()))


def _near(length, mm: float) -> bool:
    return abs(length - Mm(mm)) < Mm(0.1)  # Word stores twips


def test_the_page_is_a4_with_the_margins_of_gb_t_9704_and_a_type_area_156_mm_wide():
    doc = Document()
    width = house.house_page(doc)
    section = _reopened(doc).sections[0]
    assert _near(section.page_width, 210) and _near(section.page_height, 297)
    for margin, mm in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
        (section.footer_distance, 20),
    ):
        assert _near(margin, mm)
    assert _near(width, 156)


def test_a_document_may_take_other_margins_on_the_same_a4_page():
    doc = Document()
    width = house.house_page(doc, margins=house.Margins(top=30, bottom=28, left=25, right=22, footer=15))
    section = _reopened(doc).sections[0]
    assert _near(section.page_width, 210) and _near(section.top_margin, 30) and _near(section.left_margin, 25)
    assert _near(section.footer_distance, 15)
    assert _near(width, 163)


def _field(paragraph) -> list[tuple[str, str]]:
    """The footer's runs as (kind, text): a field's begin, instruction, separate, end, or text."""
    parts = []
    for el in paragraph._p.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if el.tag == qn("w:fldChar"):
            parts.append(("field", el.get(qn("w:fldCharType"))))
        elif el.tag == qn("w:instrText"):
            parts.append(("instruction", el.text.strip()))
        else:
            parts.append(("text", el.text))
    return parts


def test_page_numbers_are_a_page_field_at_the_outer_edge_right_on_odd_pages_left_on_even_ones():
    doc = Document()
    house.house_page(doc)
    doc = _reopened(doc)
    assert doc.settings.odd_and_even_pages_header_footer  # w:evenAndOddHeaders: the even footer is used
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        assert _field(footer) == [
            ("text", "— "),
            ("field", "begin"),
            ("instruction", "PAGE"),
            ("field", "separate"),
            ("text", "1"),
            ("field", "end"),
            ("text", " —"),
        ]
        assert all(run.font.name == house.FANGSONG and run.font.size == Pt(14) for run in footer.runs)


def test_setting_the_page_up_twice_asks_once_for_even_and_odd_footers():
    doc = Document()
    house.outer_page_numbers(doc, doc.sections[0])
    house.outer_page_numbers(doc, doc.sections[0])
    assert len(doc.settings.element.findall(qn("w:evenAndOddHeaders"))) == 1


def test_the_masthead_has_the_red_title_the_number_the_issuer_and_date_and_the_red_rule():
    doc = Document()
    width = house.house_page(doc)
    house.masthead(
        doc, title="督查通报", number="第7期", issuer="夏村镇督查办公室", date=date(2026, 5, 8), width=width
    )
    house.document_title(doc, "关于5月份重点工作督查情况的通报")
    doc = _reopened(doc)
    title, number, line, blank, heading = doc.paragraphs
    run = title.runs[0]
    assert title.text == "督查通报" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert run.font.color.rgb == house.RED and run.font.bold and run.font.size == Pt(48)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.paragraph_format.line_spacing == Pt(60)
    assert number.text == "第7期" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # The issuer on the left, the date ending at the right margin (a right tab at the type area's width).
    assert line.text == "夏村镇督查办公室\t2026年5月8日"
    tab = line._p.pPr.find(qn("w:tabs")).find(qn("w:tab"))
    assert tab.get(qn("w:val")) == "right" and int(tab.get(qn("w:pos"))) == int(width) // 635
    rule = line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "E60012" and rule.get(qn("w:val")) == "single"
    assert blank.text == ""
    assert heading.text == "关于5月份重点工作督查情况的通报" and heading.runs[0].font.size == Pt(22)
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_a_masthead_without_a_number_or_a_date_yet_leaves_them_out():
    doc = Document()
    width = house.house_page(doc)
    house.masthead(
        doc, title="会议纪要", issuer="夏村镇考核办", date=None, width=width, size=40, line_spacing=56
    )
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["会议纪要", "夏村镇考核办\t", ""]
    assert doc.paragraphs[0].runs[0].font.size == Pt(40)
    assert doc.paragraphs[0].paragraph_format.line_spacing == Pt(56)


def test_every_run_names_its_face_for_chinese_and_latin_text_and_body_text_is_condensed():
    doc = Document()
    body = house.body(doc, "按时办结9项。")
    small = house.paragraph(doc, "报：镇党委", house.FANGSONG, 14, indent=False)
    fonts = body.runs[0]._element.rPr.rFonts
    for key in ("eastAsia", "ascii", "hAnsi", "cs"):
        assert fonts.get(qn(f"w:{key}")) == "仿宋_GB2312"
    spacing = body.runs[0]._element.rPr.find(qn("w:spacing"))
    assert spacing is not None and spacing.get(qn("w:val")) == str(-house.CONDENSE)
    assert small.runs[0]._element.rPr.find(qn("w:spacing")) is None  # only 三号 text keeps the grid
    fmt = body.paragraph_format
    assert fmt.line_spacing == house.LINE_PITCH and fmt.first_line_indent == Pt(32)  # two characters
    assert small.paragraph_format.first_line_indent is None


def test_headings_are_heiti_then_kaiti_and_never_left_alone_at_a_page_foot():
    doc = Document()
    first = house.heading(doc, "一、总体情况")
    second = house.heading(doc, "（一）逾期事项", level=2)
    text = house.body(doc, "秸秆禁烧巡查尚未办结。")
    assert first.runs[0].font.name == "黑体" and second.runs[0].font.name == "楷体_GB2312"
    assert first.paragraph_format.keep_with_next and second.paragraph_format.keep_with_next
    assert not text.paragraph_format.keep_with_next


def test_the_line_grid_has_22_lines_of_28_pt_and_the_normal_style_in_fangsong():
    doc = Document()
    house.house_page(doc)
    house.line_grid(doc)
    house.line_grid(doc)
    grids = doc.sections[0]._sectPr.findall(qn("w:docGrid"))
    assert len(grids) == 1
    assert grids[0].get(qn("w:type")) == "lines" and grids[0].get(qn("w:linePitch")) == "560"
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_a_date_is_written_the_way_a_document_writes_it():
    assert house.chinese_date(date(2026, 5, 8)) == "2026年5月8日"
    assert house.chinese_date(date(2026, 12, 26)) == "2026年12月26日"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_in_the_pdf_the_page_number_is_on_the_right_of_page_1_and_the_left_of_page_2(tmp_path):
    from kaoping.core.documents import docx_to_pdf

    doc = Document()
    width = house.house_page(doc)
    house.masthead(doc, title="会议纪要", issuer="夏村镇考核办", date=date(2026, 5, 8), width=width)
    for _ in range(30):
        house.body(doc, "各责任单位按照镇党委、镇政府部署，认真落实督办要求，按时办结督办事项。")
    out = io.BytesIO()
    doc.save(out)
    path = tmp_path / "house.pdf"
    path.write_bytes(docx_to_pdf(out.getvalue()))
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = layout.split("<page ")[1:]
    assert len(pages) >= 2
    for number, page in enumerate(pages[:2], start=1):
        page_width = float(re.search(r'width="([\d.]+)"', page).group(1))
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        # The page number is the lowest "N" on the page.
        x, _y, _text = max((w for w in words if w[2] == str(number)), key=lambda w: float(w[1]))
        assert (float(x) > page_width / 2) == (number % 2 == 1), (number, x, page_width)

import io
import shutil
import subprocess
from datetime import date

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kaoping.core import documents as house_style
from kaoping.core.errors import DomainError
from kaoping.supervision import documents
from kaoping.supervision.models import Bulletin
from kaoping.supervision.selectors import draft_text

from .conftest import make_item


def bulletin():
    return Bulletin(
        kind="regular",
        number=7,
        year=2026,
        issued_on=date(2026, 5, 8),
        issuer="夏村镇督查办公室",
        title="关于5月份重点工作督查情况的通报",
        period_label="2026年5月",
        body="现将督查情况通报如下。\n\n一、总体情况\n\n按时办结9项。\n\n（一）逾期事项\n\n秸秆禁烧巡查尚未办结。",
        report_to="镇党委书记、镇长",
        send_to="镇领导班子成员",
        issue_to="各站所、各村",
        copies=40,
    )


def test_the_word_document_has_the_briefing_layout():
    doc = Document(io.BytesIO(documents.bulletin_docx(bulletin())))
    section = doc.sections[0]
    for margin, mm in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(margin - Mm(mm)) < Mm(0.1)  # Word stores twips
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "督查通报" and texts[1] == "第7期"
    assert texts[2] == "夏村镇督查办公室\t2026年5月8日"
    assert doc.paragraphs[0].runs[0].font.color.rgb == documents.RED
    assert "w:pBdr" in doc.paragraphs[2]._p.xml  # the red rule
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    sub = next(p for p in doc.paragraphs if p.text == "（一）逾期事项")
    body = next(p for p in doc.paragraphs if p.text == "按时办结9项。")
    assert heading.runs[0].font.name == "黑体"
    assert sub.runs[0].font.name == "楷体_GB2312"
    assert body.runs[0].font.name == "仿宋_GB2312"
    assert doc.paragraphs[0].runs[0].font.name == "方正小标宋简体"
    assert body.runs[0].font.size == Pt(16)
    assert heading.paragraph_format.keep_with_next and sub.paragraph_format.keep_with_next
    assert not body.paragraph_format.keep_with_next
    assert any(t.startswith("报：") for t in texts) and texts[-1].endswith("\t（共印40份）")
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_every_run_names_the_official_face_for_chinese_text_too():
    doc = Document(io.BytesIO(documents.bulletin_docx(bulletin())))
    body = next(p for p in doc.paragraphs if p.text == "按时办结9项。")
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:ascii")) == "仿宋_GB2312"
    xml = doc.element.xml
    assert "Noto" not in xml  # the document names no fallback: the server substitutes (fonts.conf)
    masthead = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert masthead.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_the_document_has_a_line_grid_of_22_lines_and_the_closing_block_at_the_foot():
    doc = Document(io.BytesIO(documents.bulletin_docx(bulletin())))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid is not None and grid.get(qn("w:linePitch")) == "560"  # 28 pt
    closing = next(p for p in doc.paragraphs if p.text.startswith("报："))
    frame = closing._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"
    assert "送：镇领导班子成员" in closing.text and "（共印40份）" in closing.text
    assert closing.text == doc.paragraphs[-1].text


def test_the_fontconfig_file_maps_each_official_face_to_an_installed_font():
    text = house_style.FONTCONFIG.read_text()
    for face in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"):
        assert f"<family>{face}</family>" in text
    if shutil.which("fc-match"):
        env = {"FONTCONFIG_FILE": str(house_style.FONTCONFIG), "PATH": "/usr/bin:/bin"}
        found = subprocess.run(["fc-match", "仿宋_GB2312"], capture_output=True, text=True, env=env).stdout
        assert "CJK" in found


def test_pdf_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(house_style.shutil, "which", lambda name: None)
    with pytest.raises(DomainError, match="libreoffice-writer-nogui"):
        house_style.docx_to_pdf(b"")


@pytest.mark.skipif(house_style.soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed")
def test_the_pdf_embeds_a_cjk_font_for_the_chinese_text(tmp_path):
    pdf = house_style.docx_to_pdf(documents.bulletin_docx(bulletin()))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace(" ", "")  # pdftotext spaces out mixed Latin and CJK text
    assert "督查通报" in text and "第7期" in text and "—1—" in text


@pytest.mark.skipif(house_style.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_full_line_of_the_pdf_holds_28_characters_and_the_closing_block_ends_the_last_page(tmp_path):
    paper = bulletin()
    paper.body = (
        "现将督查情况通报如下。\n\n"
        + "各责任单位按照镇党委、镇政府部署，认真落实督办要求，按时办结督办事项。" * 4
    )
    path = tmp_path / "b.pdf"
    path.write_bytes(house_style.docx_to_pdf(documents.bulletin_docx(paper)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.replace(" ", "") for line in text.splitlines()]
    body = [line for line in lines if line.startswith(("各责任", "部署", "办要求", "督办", "认真"))]
    full = [line for line in lines if "，" in line and len(line) >= 20]
    assert full and max(len(line) for line in full) == 28, full
    last_page = text.split("\f")[-2] if text.endswith("\f") else text.split("\f")[-1]
    # The closing block is the last thing on the last page, just above the page number.
    tail = [line.replace(" ", "") for line in last_page.splitlines() if line.strip()]
    assert tail[-2] == "（共印40份）" and tail[-1].startswith("—")
    assert body


@pytest.mark.django_db
def test_the_draft_writes_a_deadline_as_a_document_does(office, owner, town):
    item = make_item(office, town, [owner.cadre], deadline=date(2026, 3, 5), assigned_on=date(2026, 3, 1))
    with translation.override("zh-hans"):
        text = draft_text([item], date(2026, 3, 20))
    assert "2026年3月5日" in text and "2026-03-05" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("times", "said"), [(1, "sent back 1 time."), (2, "sent back 2 times.")])
def test_the_draft_counts_the_send_backs_in_words(office, owner, town, times, said):
    item = make_item(office, town, [owner.cadre], deadline=date(2026, 3, 25), assigned_on=date(2026, 3, 1))
    item.send_backs = times
    with translation.override("en"):
        assert said in draft_text([item], date(2026, 3, 20))

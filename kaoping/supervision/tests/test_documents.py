import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.shared import Mm, Pt

from kaoping.supervision import documents
from kaoping.supervision.models import Bulletin


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
    assert heading.runs[0].font.name == documents.pick(documents.HEITI)
    assert sub.runs[0].font.name == documents.pick(documents.KAITI)
    assert body.runs[0].font.name == documents.pick(documents.FANGSONG)
    assert body.runs[0].font.size == Pt(16)
    assert heading.paragraph_format.keep_with_next and sub.paragraph_format.keep_with_next
    assert not body.paragraph_format.keep_with_next
    assert any(t.startswith("报：") for t in texts) and "（共印40份）" in texts
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_fonts_fall_back_to_the_noto_cjk_face_when_the_official_one_is_missing(monkeypatch):
    monkeypatch.setattr(documents, "installed_families", lambda: frozenset({"Noto Serif CJK SC"}))
    assert documents.pick(documents.FANGSONG) == "Noto Serif CJK SC"
    monkeypatch.setattr(documents, "installed_families", lambda: frozenset({"仿宋_GB2312"}))
    assert documents.pick(documents.FANGSONG) == "仿宋_GB2312"


def test_pdf_without_libreoffice_says_what_to_install(monkeypatch):
    from kaoping.core.errors import DomainError

    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    with pytest.raises(DomainError, match="libreoffice-writer-nogui"):
        documents.docx_to_pdf(b"")


@pytest.mark.skipif(documents.soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed")
def test_the_pdf_embeds_a_cjk_font_for_the_chinese_text(tmp_path):
    pdf = documents.docx_to_pdf(documents.bulletin_docx(bulletin()))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace(" ", "")  # pdftotext spaces out mixed Latin and CJK text
    assert "督查通报" in text and "第7期" in text and "—1—" in text

import io

import pytest

from kaoping.core.errors import DomainError
from kaoping.files import validation
from kaoping.files.models import Kind

from . import samples


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.jpg", samples.JPEG, Kind.JPEG),
        ("photo.png", samples.PNG, Kind.PNG),
        ("report.pdf", samples.PDF, Kind.PDF),
        ("summary.docx", samples.docx(), Kind.DOCX),
        ("table.xlsx", samples.xlsx(), Kind.XLSX),
        # The name does not decide: a PNG called .pdf is a PNG.
        ("misnamed.pdf", samples.PNG, Kind.PNG),
    ],
)
def test_it_accepts_each_allowed_kind_by_its_content(name, content, kind):
    assert validation.check_bytes(name, content).kind == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", samples.EXE),  # an executable renamed .jpg
        ("report.docx", samples.plain_zip()),  # a zip that is no Word document
        ("notes.txt", "纯文本".encode()),
        ("table.xlsx", samples.docx()[:200]),  # a truncated archive
    ],
)
def test_it_refuses_what_is_not_an_accepted_kind_whatever_its_name(name, content):
    with pytest.raises(DomainError) as refused:
        validation.check_bytes(name, content)
    assert name in refused.value.message
    assert "nothing was saved" in refused.value.message


def test_it_tells_a_word_document_from_an_excel_workbook_by_their_parts():
    assert validation.check_bytes("a.xlsx", samples.docx()).kind == Kind.DOCX
    assert validation.check_bytes("a.docx", samples.xlsx()).kind == Kind.XLSX


def test_it_refuses_an_empty_file():
    with pytest.raises(DomainError, match="empty"):
        validation.check_bytes("empty.pdf", b"")


def test_it_refuses_a_200_mb_upload_before_reading_it(settings):
    settings.KAOPING_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("an oversized file must be refused by its size alone")

    with pytest.raises(DomainError) as refused:
        validation.check("video.jpg", Unreadable(), 200 * 1024 * 1024)
    assert "200.0 MB" in refused.value.message and "20 MB" in refused.value.message

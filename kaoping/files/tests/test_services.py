import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaoping.core.errors import DomainError
from kaoping.files import services
from kaoping.files.models import Attachment

from . import samples


def _files(settings) -> list[Path]:
    return [p for p in Path(settings.KAOPING_FILES_DIR).rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_it_stores_a_good_file_outside_the_web_root_with_its_checks(town, personas, settings):
    upload = SimpleUploadedFile("现场照片.png", samples.PNG, content_type="text/plain")
    [a] = services.attachments_store(actor=personas["town_admin"], town=town, uploads=[upload])
    assert a.content_type == "image/png"  # detected, not what the browser claimed
    assert a.size == len(samples.PNG) and a.sha256 == hashlib.sha256(samples.PNG).hexdigest()
    path = services.path_of(a)
    assert path.read_bytes() == samples.PNG
    assert Path(settings.KAOPING_FILES_DIR) in path.parents
    assert not path.name.startswith("现场")  # the stored name is random, never the user's


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.jpg", samples.EXE), ("empty.pdf", b"")],
)
def test_a_bad_file_among_good_ones_stores_nothing_at_all(town, personas, settings, name, content):
    uploads = [SimpleUploadedFile("ok.pdf", samples.PDF), SimpleUploadedFile(name, content)]
    with pytest.raises(DomainError) as refused:
        services.attachments_store(actor=personas["town_admin"], town=town, uploads=uploads)
    assert name in refused.value.message
    assert Attachment.objects.count() == 0
    assert _files(settings) == []


@pytest.mark.django_db
def test_an_oversized_upload_stores_nothing(town, personas, settings):
    settings.KAOPING_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="limit"):
        services.attachments_store(
            actor=personas["town_admin"],
            town=town,
            uploads=[SimpleUploadedFile("big.pdf", samples.PDF + b" " * 2000)],
        )
    assert Attachment.objects.count() == 0
    assert _files(settings) == []

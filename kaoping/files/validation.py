"""Is an uploaded file one we accept? Decided by its content, never by its name.

The first bytes are read by puremagic (a maintained, pure-Python magic-number library: nothing to
install on the server, unlike python-magic's libmagic). Word and Excel files are zip containers, whose
magic number is any zip's: for those the archive is opened (Python's zipfile, nothing extracted) and
must hold the parts of its format: `[Content_Types].xml` and `word/document.xml` for .docx,
`xl/workbook.xml` for .xlsx. Anything else (an executable renamed .jpg, a zip renamed .docx, a text
file) is refused with a message naming the file.
"""

import io
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic
from django.conf import settings
from django.utils.translation import gettext as _

from kaoping.core.errors import DomainError

from .models import Kind

# Mime types puremagic reports for the kinds accepted without a look inside.
_BY_MIME = {"image/jpeg": Kind.JPEG, "image/png": Kind.PNG, "application/pdf": Kind.PDF}
_OFFICE_MIMES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
CONTENT_TYPES = {
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.PDF: "application/pdf",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {Kind.JPEG: "jpg", Kind.PNG: "png", Kind.PDF: "pdf", Kind.DOCX: "docx", Kind.XLSX: "xlsx"}
_HEAD = 8192


@dataclass(frozen=True)
class Checked:
    kind: Kind
    content_type: str
    extension: str


def max_bytes() -> int:
    return int(settings.KAOPING_UPLOAD_MAX_BYTES)


def accepted_label() -> str:
    return _("photos (JPEG, PNG), PDF, Word (.docx) and Excel (.xlsx)")


def check(name: str, stream: IO[bytes], size: int) -> Checked:
    """The kind of the file `name` (its `size` bytes readable from `stream`), or DomainError."""
    if size <= 0:
        raise DomainError(_("The file “%(name)s” is empty: nothing was saved.") % {"name": name})
    limit = max_bytes()
    if size > limit:
        raise DomainError(
            _("The file “%(name)s” is %(size)s MB; the limit is %(limit)s MB: nothing was saved.")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"}
        )
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(0)
    kind = _kind(head, stream)
    if kind is None:
        raise DomainError(
            _(
                "The file “%(name)s” is not one of the accepted kinds (%(kinds)s), whatever its name "
                "says: nothing was saved."
            )
            % {"name": name, "kinds": accepted_label()}
        )
    return Checked(kind=kind, content_type=CONTENT_TYPES[kind], extension=EXTENSIONS[kind])


def _kind(head: bytes, stream: IO[bytes]) -> Kind | None:
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    mimes = [m.mime_type for m in matches]
    # The most confident match decides; a zip container is opened to see which format it is.
    for mime in mimes[:1]:
        if mime in _BY_MIME:
            return _BY_MIME[mime]
        if mime in _OFFICE_MIMES:
            return _office_kind(stream)
    return None


def _office_kind(stream: IO[bytes]) -> Kind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return Kind.DOCX
    if "xl/workbook.xml" in names:
        return Kind.XLSX
    return None


def check_bytes(name: str, content: bytes) -> Checked:
    """`check` on content already in memory (the demo, tests)."""
    return check(name, io.BytesIO(content), len(content))

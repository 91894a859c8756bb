"""Storing and attaching uploaded files. Only what passed `validation.check` is ever written."""

import hashlib
import os
import secrets
from collections.abc import Collection
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.services import record
from kaoping.core.errors import DomainError
from kaoping.people.models import Town

from . import validation
from .models import Attachment, Kind


def files_dir() -> Path:
    return Path(settings.KAOPING_FILES_DIR)


def path_of(attachment: Attachment) -> Path:
    return files_dir() / attachment.stored_path


def attachment_store(*, actor, town: Town, name: str, stream: IO[bytes], size: int) -> Attachment:
    """Check the upload by its content and store it; DomainError (and nothing stored) when refused.

    The file goes to a temporary name in its directory, is flushed to disk and renamed, then the row
    is inserted; if the insert fails the file is removed again, so that no file lies without a row.
    """
    name = os.path.basename(name.replace("\\", "/")).strip()[:200] or "file"
    checked = validation.check(name, stream, size)
    today = timezone.localdate()
    relative = f"{town.pk}/{today.year}/{today.month:02d}/{secrets.token_hex(16)}.{checked.extension}"
    target = files_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.partial")
    digest = hashlib.sha256()
    written = 0
    stream.seek(0)
    with open(partial, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                town=town,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                original_name=name,
                kind=checked.kind,
                content_type=checked.content_type,
                size=written,
                sha256=digest.hexdigest(),
                stored_path=relative,
            )
            record(
                actor=actor,
                action="attachment.upload",
                target=attachment,
                new={"name": name, "kind": checked.kind, "size": written, "sha256": attachment.sha256},
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


def attachments_store(
    *, actor, town: Town, uploads: list, kinds: Collection[Kind] | None = None
) -> list[Attachment]:
    """Store several uploads (Django `UploadedFile`s) all or nothing: every file is checked before
    any is written, and one refusal (DomainError listing each bad file) stores none of them.

    `kinds` narrows what the page accepts (photos only, documents only); a file of another accepted
    kind is refused too, naming the kinds the page takes."""
    problems = []
    for upload in uploads:
        try:
            checked = validation.check(upload.name, upload, upload.size)
        except DomainError as exc:
            problems.append(exc.message)
            continue
        if kinds is not None and checked.kind not in kinds:
            problems.append(
                _("The file “%(name)s” is a %(kind)s; here only %(kinds)s are accepted: nothing was saved.")
                % {
                    "name": upload.name,
                    "kind": Kind(checked.kind).label,
                    "kinds": ", ".join(str(Kind(k).label) for k in kinds),
                }
            )
    if problems:
        raise DomainError(" ".join(problems), errors=problems)
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(
                attachment_store(actor=actor, town=town, name=upload.name, stream=upload, size=upload.size)
            )
    except BaseException:
        for attachment in stored:
            path_of(attachment).unlink(missing_ok=True)
        raise
    return stored


def attachments_attach(*, attachments: list[Attachment], owner_type: str, owner_id: int) -> None:
    """Make `attachments` (still unattached) belong to the object `owner_type` #`owner_id`."""
    Attachment.objects.filter(pk__in=[a.pk for a in attachments], owner_type="").update(
        owner_type=owner_type, owner_id=owner_id
    )
    for a in attachments:
        a.owner_type, a.owner_id = owner_type, owner_id

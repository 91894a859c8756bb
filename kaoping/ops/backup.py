"""`kaoping backup`: the database, the keys and a manifest in one file, taken while the service runs."""

import datetime as dt
import os
import re
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from kaoping.audit import anchors, keys
from kaoping.audit.models import AuditHead
from kaoping.ops import archive, database
from kaoping.ops.archive import Refused


def app_version() -> str:
    try:
        return version("kaoping")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(directory: Path) -> None:
    """Remove what a killed backup left in `directory` (its work directory, its partial file)."""
    for path in directory.glob(".*"):
        match = re.fullmatch(r"\.kaoping-backup-(\d+)-\w+|\..+\.partial-(\d+)", path.name)
        if match and not _alive(int(match.group(1) or match.group(2))):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def attachment_members() -> dict[str, Path]:
    """Every stored attachment as a backup member `files/<path under the files directory>`."""
    root = Path(settings.KAOPING_FILES_DIR)
    if not root.is_dir():
        return {}
    return {
        archive.FILES + path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def backup_create(*, dest: Path, alias: str = "default") -> dict[str, Any]:
    """Write the backup file `dest` and return its manifest.

    The anchor file is read before the database snapshot: anchors are appended after their commit,
    so every anchor in the backup points at entries the snapshot holds. The file appears under its
    name only once complete and on disk (written to a temporary name, fsynced, renamed).
    """
    dest = Path(dest).absolute()
    if dest.exists():
        raise Refused(_("%(file)s already exists; choose a new name.") % {"file": dest})
    if not dest.parent.is_dir():
        raise Refused(_("The directory %(dir)s does not exist.") % {"dir": dest.parent})
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in archive.DATABASE:
        raise Refused(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    audit_key = keys.read()
    head = AuditHead.objects.using(alias).filter(pk=1).first()
    if audit_key is None and head is not None and head.chain_version:
        raise Refused(
            _("The audit key file %(file)s is missing while the audit log is keyed: restore it first.")
            % {"file": keys.path()}
        )
    _sweep(dest.parent)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".kaoping-backup-{os.getpid()}-") as work_dir:
        work = Path(work_dir)
        members: dict[str, Path] = {}
        (work / "secret_key").write_text(settings.SECRET_KEY + "\n")
        members[archive.SECRET_KEY] = work / "secret_key"
        if audit_key is not None:
            (work / "audit_key").write_text(audit_key.hex() + "\n")
            members[archive.AUDIT_KEY] = work / "audit_key"
        if anchors.exists():
            (work / "audit-anchors").write_bytes(anchors.path().read_bytes())
            members[archive.ANCHORS] = work / "audit-anchors"
        snapshot = work / "database"
        if vendor == "sqlite":
            counts, schema = database.sqlite_snapshot(connection, snapshot)
        else:
            counts, schema = database.pg_snapshot(connection, snapshot)
        members[archive.DATABASE[vendor]] = snapshot
        # Attachments after the snapshot: a file is written before its row, so every row the
        # snapshot holds finds its file here (a file without a row, of an upload under way, is harmless).
        members.update(attachment_members())
        manifest = {
            "format": archive.FORMAT,
            "app": "kaoping",
            "app_version": app_version(),
            "vendor": vendor,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "schema": schema,
            "latest_migration": {app: names[-1] for app, names in schema.items()},
            "row_counts": counts,
            "audit_keyed": audit_key is not None,
        }
        manifest = archive.write(dest, manifest, members)
    return {**manifest, "size": dest.stat().st_size}

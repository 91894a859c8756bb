"""The backup file: one tar holding a manifest, the database and the keys the data needs.

    manifest.json               format, app version, vendor, created at, schema, row counts, sha256s
    database/kaoping.sqlite3    SQLite: a consistent copy (sqlite3 backup API), or
    database/kaoping.pgdump     PostgreSQL: `pg_dump -Fc` of the database
    keys/secret_key             the secret key (voting codes are digested with it)
    keys/audit_key              the audit log's HMAC key, when the log is keyed
    keys/audit-anchors          the audit anchor file, when there is one
    files/<town>/<y>/<m>/<name> every attachment (kaoping/files), as stored under KAOPING_FILES_DIR

The manifest is the first member and lists every other member with its sha256: a member missing,
added, changed or cut short is refused before anything is written.
"""

import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database/kaoping.sqlite3", "postgresql": "database/kaoping.pgdump"}
SECRET_KEY = "keys/secret_key"
AUDIT_KEY = "keys/audit_key"
ANCHORS = "keys/audit-anchors"
FILES = "files/"
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Refused(Exception):
    """A backup or restore cannot go on; the message says why and what to do (translated)."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write `path` (0600) so that it is either the old file or the whole new one: temp, fsync, rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.restoring-{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    fsync_dir(path.parent)


def write(dest: Path, manifest: dict[str, Any], members: dict[str, Path]) -> dict[str, Any]:
    """Write the backup to a temporary name beside `dest`, fsync it, then rename it to `dest`.

    A process killed before the rename leaves `.<name>.partial-<pid>`, never a file named as a backup.
    """
    manifest = {**manifest, "members": {name: sha256(path) for name, path in sorted(members.items())}}
    body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w") as tar:
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, io.BytesIO(body))
                for name, path in sorted(members.items()):
                    info = tar.gettarinfo(str(path), arcname=name)
                    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                    with path.open("rb") as file:
                        tar.addfile(info, file)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)
    return manifest


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    files: dict[str, Path]  # member name -> extracted file, every checksum verified


def open_checked(source: Path, into: Path) -> Opened:
    """Extract `source` into the directory `into` and check it against its manifest, or refuse."""
    corrupt = _("The file %(file)s is not a complete Kaoping backup (%(why)s); nothing was restored.")
    try:
        with tarfile.open(source, mode="r:") as tar:
            names = tar.getnames()
            if not names or names[0] != MANIFEST:
                raise Refused(corrupt % {"file": source, "why": _("no manifest")})
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            listed = manifest.get("members", {})
            if sorted(names[1:]) != sorted(listed) or len(set(names)) != len(names):
                raise Refused(corrupt % {"file": source, "why": _("members missing or added")})
            files = {}
            for number, name in enumerate(names[1:]):
                member = tar.getmember(name)
                if not member.isfile():
                    raise Refused(corrupt % {"file": source, "why": _("members missing or added")})
                path = into / f"member-{number}"
                with tar.extractfile(member) as data, path.open("wb") as out:  # type: ignore[union-attr]
                    for block in iter(lambda: data.read(1 << 20), b""):
                        out.write(block)
                os.chmod(path, 0o600)
                if sha256(path) != listed[name]:
                    raise Refused(
                        corrupt
                        % {"file": source, "why": _("checksum of %(member)s differs") % {"member": name}}
                    )
                files[name] = path
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, AttributeError) as error:
        if isinstance(error, FileNotFoundError):
            raise Refused(_("The file %(file)s does not exist.") % {"file": source}) from error
        raise Refused(corrupt % {"file": source, "why": _("cut short or damaged")}) from error
    if manifest.get("format") != FORMAT:
        raise Refused(corrupt % {"file": source, "why": _("unknown format")})
    return Opened(manifest=manifest, files=files)

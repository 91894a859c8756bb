"""`kaoping restore`: a backup file into an empty database, its keys back, then checks.

Order matters for a restore killed half-way: the file is checked whole first; then the keys are
written (each file whole or not at all); the database comes last and in one step (SQLite: a
finished copy renamed over the empty file; PostgreSQL: `pg_restore --single-transaction`), so a
killed restore leaves the target empty (and restore can simply be run again), never half-filled.
"""

import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from kaoping.audit import anchors, keys
from kaoping.ops import archive, database
from kaoping.ops.archive import Refused


@dataclass
class Outcome:
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    older_schema: bool = False


def _schema_check(manifest: dict[str, Any], alias: str) -> bool:
    """Refuse a backup made by a newer version (a migration this code does not know); True when the
    backup is older than the code (then `kaoping migrate` after the restore)."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    applied = {(app, name) for app, names in manifest.get("schema", {}).items() for name in names}
    unknown = sorted(applied - known)
    if unknown:
        raise Refused(
            _(
                "This backup was made by a newer version of Kaoping (migration %(migration)s is "
                "unknown here): "
                "install that version or a later one, then restore."
            )
            % {"migration": f"{unknown[0][0]}.{unknown[0][1]}"}
        )
    apps = {app for app, _name in applied}
    return any(key not in applied for key in known if key[0] in apps)


def _target_empty(alias: str) -> None:
    connection = connections[alias]
    tables = connection.introspection.table_names()
    if connection.vendor == "postgresql" and not tables:
        with connection.cursor() as cursor:  # a function or sequence left by something else counts too
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema()) + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
                " ON n.oid = p.pronamespace WHERE n.nspname = current_schema())"
            )
            tables = ["?"] * int(cursor.fetchone()[0])
    if tables:
        if connection.vendor == "sqlite":
            how = _(
                "stop the service and move the database file %(file)s (and its -wal and -shm files) aside, "
                "or point KAOPING_DATA_DIR at a new directory"
            ) % {"file": connection.settings_dict["NAME"]}
        else:
            how = _(
                "create an empty database (createdb kaoping_restored) and point DATABASE_URL at it, "
                "or drop and recreate this one (dropdb %(name)s; createdb %(name)s)"
            ) % {"name": connection.settings_dict["NAME"]}
        raise Refused(
            _(
                "The target database is not empty (%(count)d tables or other objects): restore only goes "
                "into an empty one. To get one: %(how)s."
            )
            % {"count": len(tables), "how": how}
        )


def _keys_check(manifest: dict[str, Any], files: dict[str, Path]) -> None:
    if archive.SECRET_KEY not in files or (manifest.get("audit_keyed") and archive.AUDIT_KEY not in files):
        raise Refused(
            _(
                "This backup holds no secret key or no audit key: restored without them, the open rounds' "
                "voting codes would stop working and the audit log could not be verified. Refused."
            )
        )
    secret = files[archive.SECRET_KEY].read_text().strip()
    if os.environ.get("KAOPING_SECRET_KEY") and os.environ["KAOPING_SECRET_KEY"] != secret:
        raise Refused(
            _(
                "KAOPING_SECRET_KEY differs from the secret key in this backup: the voting "
                "codes of open rounds "
                "would stop working. Set KAOPING_SECRET_KEY to the backup's key (member "
                "keys/secret_key) or unset it."
            )
        )
    for member, target in ((archive.AUDIT_KEY, keys.path()), (archive.ANCHORS, anchors.path())):
        if (
            member in files
            and target.exists()
            and target.stat().st_size
            and target.read_bytes() != files[member].read_bytes()
        ):
            raise Refused(
                _(
                    "%(file)s exists and differs from the one in the backup: move it aside (it "
                    "belongs to another database), then restore."
                )
                % {"file": target}
            )


def _put_keys(files: dict[str, Path]) -> list[str]:
    written = []
    if not os.environ.get("KAOPING_SECRET_KEY"):
        archive.write_private(settings.DATA_DIR / "secret_key", files[archive.SECRET_KEY].read_bytes())
        written.append(str(settings.DATA_DIR / "secret_key"))
    for member, target in ((archive.AUDIT_KEY, keys.path()), (archive.ANCHORS, anchors.path())):
        if member in files:
            archive.write_private(target, files[member].read_bytes())
            written.append(str(target))
    keys.forget()
    return written


def _file_targets(files: dict[str, Path]) -> dict[Path, Path]:
    """{member file: where it goes under the files directory} for the attachments; a member naming a
    path outside that directory is refused before anything is written."""
    root = Path(settings.KAOPING_FILES_DIR)
    targets = {}
    for name, path in files.items():
        if not name.startswith(archive.FILES):
            continue
        relative = PurePosixPath(name[len(archive.FILES) :])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise Refused(
                _("The backup names a file outside the files directory: %(name)s.") % {"name": name}
            )
        targets[path] = root.joinpath(*relative.parts)
    return targets


def _put_files(targets: dict[Path, Path]) -> int:
    for source, target in targets.items():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)
    return len(targets)


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    name = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    staging = name.with_name(f".{name.name}.restoring-{os.getpid()}")
    shutil.copyfile(dump, staging)
    os.chmod(staging, 0o600)
    with open(staging, "rb+") as file:
        os.fsync(file.fileno())
    for suffix in ("-wal", "-shm"):  # of the empty database being replaced
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    os.replace(staging, name)
    archive.fsync_dir(name.parent)


def _restore_postgresql(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()
    database.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=database.pg_env(connection.settings_dict),
    )


def _checks(alias: str, manifest: dict[str, Any], outcome: Outcome) -> None:
    connection = connections[alias]
    connection.close()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
            if result == ["ok"]:
                outcome.checks.append(_("SQLite integrity check: ok"))
            else:
                outcome.problems.append(
                    _("SQLite integrity check: %(result)s") % {"result": "; ".join(result[:5])}
                )
            tables = database.sqlite_tables(cursor)
        else:
            tables = database.pg_tables(cursor)
        counts, _schema = database.counts_and_schema(cursor, tables)
    expected = manifest.get("row_counts", {})
    wrong = sorted(t for t in set(expected) | set(counts) if expected.get(t) != counts.get(t))
    if wrong:
        outcome.problems.extend(
            _("table %(table)s: %(found)s rows, the backup had %(expected)s")
            % {"table": t, "found": counts.get(t, "-"), "expected": expected.get(t, "-")}
            for t in wrong
        )
    else:
        outcome.checks.append(
            _("row counts: %(tables)d tables, %(rows)d rows, as in the backup")
            % {"tables": len(counts), "rows": sum(counts.values())}
        )
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verifyaudit", stdout=out, stderr=err)
    except CommandError as error:
        outcome.problems.append(
            _("audit log: %(error)s") % {"error": f"{err.getvalue().strip()} {error}".strip()}
        )
    else:
        outcome.checks.append(
            _("audit log (verifyaudit): %(result)s") % {"result": " ".join(out.getvalue().split())}
        )


def restore_run(
    *, source: Path, alias: str = "default", say: Callable[[str], None] = lambda _text: None
) -> Outcome:
    """Restore `source` into the empty database `alias` and the data directory, then check it."""
    connection = connections[alias]
    outcome = Outcome()
    scratch_root = settings.DATA_DIR if connection.vendor == "sqlite" else None
    with tempfile.TemporaryDirectory(dir=scratch_root, prefix=".kaoping-restore-") as work:
        opened = archive.open_checked(Path(source), Path(work))
        manifest, files = opened.manifest, opened.files
        say(
            _("Backup checked: %(members)d members, checksums match (made %(at)s by Kaoping %(version)s).")
            % {
                "members": len(files),
                "at": manifest.get("created_at"),
                "version": manifest.get("app_version"),
            }
        )
        vendor = manifest.get("vendor")
        if vendor != connection.vendor:
            raise Refused(
                _(
                    "This is a %(theirs)s backup and the target is %(ours)s: restore it into "
                    "%(theirs)s (set DATABASE_URL)."
                )
                % {
                    "theirs": archive.VENDORS.get(vendor, vendor),
                    "ours": archive.VENDORS.get(connection.vendor, connection.vendor),
                }
            )
        dump = files.get(archive.DATABASE[connection.vendor])
        if dump is None:
            raise Refused(_("This backup holds no database."))
        outcome.older_schema = _schema_check(manifest, alias)
        _keys_check(manifest, files)
        attachments = _file_targets(files)
        _target_empty(alias)
        for path in _put_keys(files):
            say(_("Key restored: %(file)s (0600)") % {"file": path})
        if count := _put_files(attachments):
            say(_("Attachments restored: %(count)d files.") % {"count": count})
        if connection.vendor == "sqlite":
            _restore_sqlite(alias, dump)
        else:
            _restore_postgresql(alias, dump)
        say(_("Database restored into %(name)s.") % {"name": connection.settings_dict["NAME"]})
    _checks(alias, manifest, outcome)
    return outcome

"""`kaoping restore` refuses, with a message saying what to do, a damaged or cut-short file, a backup of
the other database, one made by a newer version, one without its keys, and a target that is not
empty; a refused restore writes nothing."""

import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kaoping.audit import keys
from kaoping.ops import archive
from kaoping.ops.backup import backup_create

from .conftest import kaoping, populate, raw


@pytest.fixture
def backup(db, tmp_path):
    populate()
    path = tmp_path / "kaoping.tar"
    backup_create(dest=path)
    return path


def rebuilt(backup, tmp_path, *, manifest=None, drop=()):
    """The backup written again with its manifest changed and members left out (checksums redone)."""
    work = tmp_path / "work"
    work.mkdir()
    opened = archive.open_checked(backup, work)
    members = {name: path for name, path in opened.files.items() if name not in drop}
    new = {k: v for k, v in {**opened.manifest, **(manifest or {})}.items() if k != "members"}
    path = tmp_path / "rebuilt.tar"
    archive.write(path, new, members)
    return path


def refused(path) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(path))
    return str(refusal.value)


def test_a_backup_whose_database_changed_is_refused_by_its_checksum(backup, tmp_path):
    with tarfile.open(backup) as tar:
        offset = next(m for m in tar.getmembers() if m.name.startswith("database/")).offset_data
    data = bytearray(backup.read_bytes())
    data[offset + 5000] ^= 0xFF
    backup.write_bytes(bytes(data))
    message = refused(backup)
    assert "is not a complete Kaoping backup (checksum of database/" in message
    assert "nothing was restored" in message


def test_a_cut_short_backup_is_refused(backup):
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])
    assert "is not a complete Kaoping backup" in refused(backup)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, db):
    path = tmp_path / "notes.tar"
    path.write_text("not a backup")
    assert "is not a complete Kaoping backup" in refused(path)
    assert "does not exist" in refused(tmp_path / "missing.tar")


def test_a_backup_of_the_other_database_is_refused(backup, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    message = refused(rebuilt(backup, tmp_path, manifest={"vendor": other}))
    assert "backup and the target is" in message and "set DATABASE_URL" in message


def test_a_backup_made_by_a_newer_version_is_refused(backup, tmp_path):
    with tarfile.open(backup) as tar:
        schema = json.loads(tar.extractfile(archive.MANIFEST).read())["schema"]
    schema["scoring"].append("9999_from_the_future")
    message = refused(rebuilt(backup, tmp_path, manifest={"schema": schema}))
    assert "made by a newer version of Kaoping (migration scoring.9999_from_the_future" in message


@pytest.mark.parametrize("member", [archive.AUDIT_KEY, archive.SECRET_KEY])
def test_a_backup_without_its_keys_is_refused(backup, tmp_path, member):
    message = refused(rebuilt(backup, tmp_path, drop=[member]))
    assert "voting codes would stop working" in message


def test_a_target_that_is_not_empty_is_refused_and_told_how_to_get_an_empty_one(backup, settings):
    key_before = keys.path().read_bytes()
    message = refused(backup)
    assert "The target database is not empty" in message
    assert ("KAOPING_DATA_DIR" if connection.vendor == "sqlite" else "createdb") in message
    assert keys.path().read_bytes() == key_before


def test_an_existing_backup_file_is_never_overwritten(backup):
    before = backup.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    assert backup.read_bytes() == before


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_target_holding_only_a_function_is_not_empty(tmp_path, target):
    """What a restore run without its single transaction would leave after a kill: no table, but
    functions; restoring over it would fail half-way, so it is refused up front."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    populate()
    path = tmp_path / "kaoping.tar"
    backup_create(dest=path)
    with raw(target["settings"]) as conn:
        conn.execute("CREATE FUNCTION leftover() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        conn.commit()
    restore = kaoping("restore", str(path), env=target["env"])
    _out, err = restore.communicate(timeout=120)
    assert restore.returncode == 1
    assert "The target database is not empty (1 tables or other objects)" in err


def test_a_backup_from_an_earlier_version_is_accepted_and_the_operator_told_to_migrate(backup, tmp_path):
    from kaoping.ops.restore import _schema_check

    with tarfile.open(backup) as tar:
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
    assert _schema_check(manifest, "default") is False
    manifest["schema"]["scoring"] = [n for n in manifest["schema"]["scoring"] if n < "0005"]
    assert _schema_check(manifest, "default") is True

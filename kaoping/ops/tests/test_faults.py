"""A backup or a restore killed (SIGKILL, the whole process group) half-way leaves nothing that poses
as complete: no backup file under its name and the database untouched; a restore target still empty,
so the restore is simply run again. Each command runs in a process of its own, held at a known
point in the middle of its work, and killed there."""

import os
import signal
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kaoping.ops.backup import backup_create

from .conftest import dump, kaoping, pg_url, populate, source_settings, target_env

HOLD = """
import sys, time, django
django.setup()
from django.core.management import call_command

def hold():
    print("HELD", flush=True)
    time.sleep(300)

{patch}
call_command(*sys.argv[1:])
"""

# Hold the backup once the database is in the file and before the file is complete.
IN_BACKUP = """
import tarfile
_addfile = tarfile.TarFile.addfile
def addfile(self, info, fileobj=None):
    _addfile(self, info, fileobj)
    if info.name.startswith("database/"):
        self.fileobj.flush()
        hold()
tarfile.TarFile.addfile = addfile
"""

# SQLite: hold the restore with the keys written and the database copied beside the target.
IN_SQLITE_RESTORE = """
import shutil
_copyfile = shutil.copyfile
def copyfile(*args, **kwargs):
    _copyfile(*args, **kwargs)
    hold()
shutil.copyfile = copyfile
"""

# PostgreSQL: pg_restore, with the command's options, reads the dump from a pipe that stops before the end,
# so it waits inside its one transaction with the schema and part of the rows written.
IN_PG_RESTORE = """
import subprocess
from django.db import connection
from kaoping.ops import database
QUERY = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name = 'pg_restore' AND backend_xid IS NOT NULL"
)
def run(command, *, env):
    data = open(command[-1], "rb").read()
    restore = subprocess.Popen(
        command[:-1], env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    restore.stdin.write(data[:-1])  # all but the last byte: it waits for it, its rows written
    restore.stdin.flush()
    for _attempt in range(3000):
        with connection.cursor() as cursor:
            cursor.execute(QUERY)
            if cursor.fetchone()[0]:
                break
        time.sleep(0.01)
    else:
        restore.kill()
        raise AssertionError("pg_restore never wrote inside its transaction")
    connection.close()
    hold()
database.run = run
"""


def held(args, env, patch, *, script=None):
    """Start `kaoping <args>` with `patch` (or `script` with `args`), wait until it is held in the
    middle of its work, then SIGKILL its process group."""
    import subprocess
    import sys

    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script or HOLD.format(patch=patch), *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "kaoping.settings", "LANGUAGE": "en"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = "-"
    while line and line.strip() != "HELD":
        line = process.stdout.readline()  # type: ignore[union-attr]
    if line.strip() != "HELD":
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError(f"never held: {line} {process.stderr.read()}")  # type: ignore[union-attr]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return process.pid


def source_env(tmp_path, settings):
    """The environment of a server on the test database itself."""
    s = connection.settings_dict
    url = f"sqlite:///{s['NAME']}" if connection.vendor == "sqlite" else pg_url(s)
    env = target_env(tmp_path / "source", url)
    env["KAOPING_AUDIT_KEY_FILE"] = str(settings.KAOPING_AUDIT_KEY_FILE)
    env["KAOPING_AUDIT_ANCHOR_FILE"] = str(settings.KAOPING_AUDIT_ANCHOR_FILE)
    return env


def tables(settings_dict) -> list[str]:
    return sorted(dump(settings_dict))


@pytest.mark.django_db(transaction=True)
def test_a_backup_killed_half_way_leaves_no_file_named_as_a_backup_and_the_database_untouched(
    tmp_path, settings
):
    populate()
    before = dump(source_settings())
    dest = tmp_path / "out" / "kaoping.tar"
    dest.parent.mkdir()
    pid = held(["backup", str(dest)], source_env(tmp_path, settings), IN_BACKUP)
    assert not dest.exists()
    partial = dest.parent / f".kaoping.tar.partial-{pid}"
    assert partial.exists()  # left by the kill, named as what it is
    assert all(p.name.startswith(".") for p in dest.parent.iterdir())  # hidden, never a .tar
    assert dump(source_settings()) == before
    with pytest.raises(CommandError, match="is not a complete Kaoping backup"):
        call_command("restore", str(partial))
    backup_create(dest=dest)  # the next backup is whole, and removes what the killed one left
    assert [p.name for p in dest.parent.iterdir()] == ["kaoping.tar"]


@pytest.mark.django_db(transaction=True)
def test_a_restore_killed_half_way_leaves_the_target_empty_and_can_be_run_again(tmp_path, target):
    populate()
    backup = tmp_path / "kaoping.tar"
    backup_create(dest=backup)
    expected = dump(source_settings())
    patch = IN_SQLITE_RESTORE if connection.vendor == "sqlite" else IN_PG_RESTORE
    held(["restore", str(backup)], target["env"], patch)

    deadline = time.monotonic() + 10  # PostgreSQL ends the killed client's transaction
    while tables(target["settings"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tables(target["settings"]) == []  # empty: nothing half-restored

    again = kaoping("restore", str(backup), env=target["env"])
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "Restore complete and checked." in out
    assert dump(target["settings"]) == expected


# Hold a cadre import inside its one transaction: the cadres, their postings and their audit
# entries written, not committed.
IMPORT = """
import sys, time, django
django.setup()
from django.utils import translation
from kaoping.accounts.models import User
from kaoping.people import importing
from kaoping.people.models import Town

_record_many = importing.record_many
def record_many(**kwargs):
    entries = _record_many(**kwargs)
    print("HELD", flush=True)
    time.sleep(300)
    return entries
importing.record_many = record_many

with translation.override("en"):
    importing.cadre_import(
        actor=User.objects.get(username="assessment_office"),
        town=Town.objects.get(slug="xiacun"),
        file=open(sys.argv[1], "rb").read(),
        filename="cadres.xlsx",
    )
"""


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_inside_its_transaction_leaves_no_cadre_posting_or_audit_entry(tmp_path, settings):
    from django.utils import translation

    from kaoping.people import importing
    from kaoping.people.models import Cadre
    from kaoping.people.tests.test_import import _agency, _xlsx

    data = populate()
    with translation.override("en"):
        content = _xlsx([_agency(400 + n) for n in range(300)])
    (tmp_path / "cadres.xlsx").write_bytes(content)
    before = dump(source_settings())
    held([str(tmp_path / "cadres.xlsx")], source_env(tmp_path, settings), "", script=IMPORT)
    assert dump(source_settings()) == before  # nothing of the import, the audit log as it was
    call_command("verifyaudit")
    with translation.override("en"):
        result = importing.cadre_import(
            actor=data["personas"]["assessment_office"], town=data["town"], file=content
        )
    assert result.ok and Cadre.objects.count() == len(before["people_cadre"]) + 300

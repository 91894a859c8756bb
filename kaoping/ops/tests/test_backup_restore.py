"""A populated town backed up while scores are being saved, restored into an empty database: every
table's rows and the audit chain are those of the moment of the backup (SQLite and PostgreSQL)."""

import json
import tarfile
import threading
import time

import pytest
from django.db import connection, connections

from kaoping.ops.archive import MANIFEST
from kaoping.ops.backup import backup_create
from kaoping.scoring import services as scoring
from kaoping.scoring.models import ScoreSheet
from kaoping.scoring.selectors import sheet_cadres, sheet_indicators

from .conftest import dump, kaoping, populate, raw, source_settings


def head_count(settings_dict) -> int:
    with raw(settings_dict) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT count FROM audit_audithead")
        count = int(cursor.fetchone()[0])
        if not settings_dict["ENGINE"].endswith("sqlite3"):
            conn.rollback()
    return count


class ScoreSaver(threading.Thread):
    """Saves one grid cell again and again (each save audited); after each commit it records every
    table's rows under the audit log's length, so the state at any moment of the backup is known."""

    def __init__(self, town_data):
        super().__init__()
        self.sheet_pk = town_data["sheet"].pk
        self.scorer = town_data["personas"]["scorer"]
        self.stop = threading.Event()
        self.states: dict[int, dict] = {}
        self.saves = 0
        self.error: BaseException | None = None

    def run(self):
        try:
            sheet = ScoreSheet.objects.select_related("period__town", "scheme").get(pk=self.sheet_pk)
            cadre = sheet_cadres(sheet)[0]
            indicator = next(i for i in sheet_indicators(sheet) if i.rule_kind == "manual")
            value = 1
            while not self.stop.is_set():
                value = value % 9 + 1
                sheet.refresh_from_db()
                scoring.entries_save(
                    actor=self.scorer,
                    sheet=sheet,
                    cells=[scoring.Cell(cadre.pk, indicator.pk, str(value))],
                    based_on_revision=sheet.revision,
                )
                self.saves += 1
                settings_dict = source_settings()
                self.states[head_count(settings_dict)] = dump(settings_dict)
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_scores_are_saved_restores_every_row_and_the_audit_chain(tmp_path, target):
    town_data = populate()
    settings_dict = source_settings()
    saver = ScoreSaver(town_data)
    saver.states[head_count(settings_dict)] = dump(settings_dict)
    saver.start()
    while saver.saves < 3 and saver.is_alive():
        time.sleep(0.01)
    saves_before = saver.saves
    backup = tmp_path / "kaoping.tar"
    manifest = backup_create(dest=backup)
    saves_during = saver.saves - saves_before
    time.sleep(0.2)
    saver.stop.set()
    saver.join()
    assert saver.error is None, saver.error
    assert saves_before >= 3 and saver.saves > saves_before + saves_during  # writes before and after

    restore = kaoping("restore", str(backup), env=target["env"])
    out, err = restore.communicate(timeout=120)
    assert restore.returncode == 0, err
    assert "row counts:" in out and "chain intact" in out and "Restore complete and checked." in out
    if connection.vendor == "sqlite":
        assert "SQLite integrity check: ok" in out

    restored = dump(target["settings"])
    count = head_count(target["settings"])
    assert count in saver.states, "the restored audit log is not the source's at any commit"
    assert restored == saver.states[count]  # every table, the audit entries and head included
    assert manifest["row_counts"] == {table: len(rows) for table, rows in restored.items()}
    for name in ("secret_key", "audit_key"):
        path = target["data_dir"] / name
        assert path.stat().st_mode & 0o777 == 0o600
    assert target["data_dir"].stat().st_mode & 0o777 == 0o700


@pytest.mark.django_db(transaction=True)
def test_the_manifest_names_the_vendor_the_schema_and_a_checksum_of_every_member(tmp_path):
    populate()
    backup = tmp_path / "kaoping.tar"
    backup_create(dest=backup)
    with tarfile.open(backup) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert names[0] == MANIFEST
    assert sorted(names[1:]) == sorted(manifest["members"])
    assert {"keys/secret_key", "keys/audit_key"} <= set(manifest["members"])
    assert manifest["vendor"] == connection.vendor
    assert manifest["latest_migration"]["scoring"] == max(manifest["schema"]["scoring"])
    assert manifest["row_counts"]["audit_auditentry"] > 0
    assert backup.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db(transaction=True)
def test_attachments_are_in_the_backup_and_come_back_with_the_restore(tmp_path, target):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaoping.files import services as files
    from kaoping.files.tests import samples

    town_data = populate()
    [attachment] = files.attachments_store(
        actor=town_data["personas"]["town_admin"],
        town=town_data["town"],
        uploads=[SimpleUploadedFile("照片.png", samples.PNG)],
    )
    backup = tmp_path / "kaoping.tar"
    manifest = backup_create(dest=backup)
    assert f"files/{attachment.stored_path}" in manifest["members"]

    restore = kaoping("restore", str(backup), env=target["env"])
    out, err = restore.communicate(timeout=120)
    assert restore.returncode == 0, err
    assert "Attachments restored: 1 files." in out
    restored = target["data_dir"] / "files" / attachment.stored_path
    assert restored.read_bytes() == samples.PNG
    assert restored.stat().st_mode & 0o777 == 0o600

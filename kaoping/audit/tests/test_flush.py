"""`kaoping flush` refuses to erase the audit log; the test suite and a demo reset still may."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kaoping.audit import anchors, keys
from kaoping.audit.management.commands.flush import is_test_database
from kaoping.audit.models import AuditEntry
from kaoping.audit.selectors import chain_report
from kaoping.audit.services import record
from kaoping.people.models import Town


@pytest.fixture
def production(monkeypatch):
    """The database seen as a real one: outside a test run (no test mail outbox)."""
    from django.core import mail

    monkeypatch.delattr(mail, "outbox")
    assert not is_test_database(connection)


def test_the_test_run_s_own_database_is_recognised(db):
    assert is_test_database(connection)


def test_a_database_not_named_for_tests_is_not_taken_for_one(db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "kaoping")
    assert not is_test_database(connection)


@pytest.mark.django_db(transaction=True)
def test_flush_is_refused_on_a_database_with_a_log(town, production):
    record(actor=None, action="cadre.update", town=town)
    with pytest.raises(CommandError, match="Refused: the audit log holds 1 entries"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 1 and Town.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_a_database_whose_log_is_empty(town, production):
    call_command("flush", interactive=False, verbosity=0)
    assert not Town.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_demo_reset_empties_the_log_and_says_so_in_the_anchors(town, production):
    for i in range(3):
        record(actor=None, action="cadre.update", town=town, object_repr=str(i))
    call_command("flush", interactive=False, verbosity=0, audit_reset="kaoping demo --reset")
    assert not AuditEntry.objects.exists()
    *_, reset = anchors.read(keys.read())[0]
    assert reset.is_reset and "3 entries before" in reset.reason
    report = chain_report()
    assert report.intact and "emptied on purpose" in str(report.notices[0])


@pytest.mark.django_db(transaction=True)
def test_a_flush_behind_the_apps_back_is_not_reported_intact(town):
    """The test database may be flushed: what a flushed real log would look like to verifyaudit."""
    from kaoping.audit.services import anchor_now

    record(actor=None, action="cadre.update", town=town)
    anchor_now(reason="cron")
    call_command("flush", interactive=False, verbosity=0)
    report = chain_report()
    assert report.checked == 0 and not report.intact
    assert "entries were removed" in str(report.anchor_problems[0])

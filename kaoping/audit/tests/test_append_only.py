"""The model and the database both refuse to change or delete an entry."""

import pytest
from django.db import IntegrityError, connection, transaction

from kaoping.audit import triggers
from kaoping.audit.models import AppendOnlyError, AuditEntry, AuditHead
from kaoping.audit.services import record


@pytest.fixture
def entry(town):
    return record(actor=None, action="cadre.update", town=town, object_repr="王小明")


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(AuditEntry._meta.db_table)), params)


@pytest.mark.django_db
def test_saving_an_entry_again_is_refused(entry):
    entry.object_repr = "别人"
    with pytest.raises(AppendOnlyError):
        entry.save()


@pytest.mark.django_db
def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
def test_updating_entries_in_bulk_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="别人")


@pytest.mark.django_db
def test_deleting_entries_in_bulk_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_the_triggers_are_in_place_after_all_migrations():
    assert triggers.names(connection)
    assert triggers.missing(connection) == []


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update(entry):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE {table} SET object_repr = %s WHERE id = %s", ["别人", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "王小明"


@pytest.mark.django_db
def test_the_database_refuses_a_raw_delete(entry):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM {table}")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_the_head_stays_updatable(entry):
    AuditHead.objects.filter(pk=1).update(count=7)
    assert AuditHead.objects.get().count == 7


@pytest.mark.django_db
def test_lifting_the_triggers_shows_as_missing():
    triggers.remove(connection)
    assert triggers.missing(connection) == triggers.names(connection)
    triggers.install(connection)
    assert triggers.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_leaves_the_triggers_in_place(town):
    from django.core.management import call_command

    record(actor=None, action="cadre.update", town=town)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert triggers.missing(connection) == []

import pytest

from kaoping.audit.models import AuditEntry, AuditHead
from kaoping.audit.services import record, verify_chain


@pytest.fixture
def entries(town):
    return [
        record(
            actor=None,
            action="cadre.update",
            town=town,
            object_repr=f"干部{i}",
            old={"position": "科员"},
            new={"position": f"副科{i}"},
        )
        for i in range(4)
    ]


def reasons(breaks):
    return [(b.entry_id, b.reason) for b in breaks]


@pytest.mark.django_db
def test_an_empty_log_verifies():
    assert verify_chain() == []


@pytest.mark.django_db
def test_an_untouched_chain_verifies(entries):
    assert verify_chain() == []


@pytest.mark.django_db
def test_it_verifies_in_batches(entries):
    assert verify_chain(batch_size=1) == []


@pytest.mark.django_db
def test_an_edited_value_is_detected(entries, tamper):
    tamper("UPDATE {table} SET object_repr = %s WHERE id = %s", ["别人", entries[1].pk])
    assert reasons(verify_chain()) == [(entries[1].pk, "content does not match its hash")]


@pytest.mark.django_db
def test_an_edit_that_rewrites_its_own_hash_breaks_the_next_link(entries, tamper):
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", ["f" * 64, entries[1].pk])
    assert reasons(verify_chain()) == [
        (entries[1].pk, "content does not match its hash"),
        (entries[2].pk, "previous hash does not match the entry before it"),
    ]


@pytest.mark.django_db
def test_a_deleted_entry_in_the_middle_is_detected(entries, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [entries[1].pk])
    breaks = reasons(verify_chain())
    assert (entries[2].pk, "previous hash does not match the entry before it") in breaks
    assert (entries[3].pk, "entries are missing or were added outside the app") in breaks


@pytest.mark.django_db
def test_a_deleted_first_entry_is_detected(entries, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [entries[0].pk])
    assert (entries[1].pk, "previous hash does not match the entry before it") in reasons(verify_chain())


@pytest.mark.django_db
def test_deleting_the_newest_entry_is_detected(entries, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [entries[-1].pk])
    assert reasons(verify_chain()) == [
        (entries[-2].pk, "the newest entry is not the one the log last wrote"),
        (entries[-2].pk, "entries are missing or were added outside the app"),
    ]


@pytest.mark.django_db
def test_an_entry_added_behind_the_apps_back_is_detected(entries):
    forged = AuditEntry(at=entries[0].at, action="cadre.update", prev_hash=entries[-1].hash, hash="e" * 64)
    AuditEntry.objects.bulk_create([forged])
    breaks = reasons(verify_chain())
    assert breaks and all(entry_id == AuditEntry.objects.order_by("-id").first().pk for entry_id, _ in breaks)


@pytest.mark.django_db
def test_a_lost_head_is_detected(entries):
    AuditHead.objects.all().delete()
    assert reasons(verify_chain()) == [(entries[-1].pk, "the record of the newest entry is missing")]

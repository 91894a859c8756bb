import pytest

from kaoping.audit.models import AuditEntry
from kaoping.audit.services import Event, record, record_many, verify_chain


@pytest.mark.django_db
def test_many_events_are_chained_in_order_as_if_recorded_one_by_one(town, personas):
    record(actor=None, action="test.first", town=town)
    events = [Event(f"test.e{i}", town=town, new={"i": i}) for i in range(5)]
    written = record_many(actor=personas["scorer"], events=events)
    record(actor=None, action="test.last", town=town)
    assert [e.action for e in AuditEntry.objects.order_by("id")][-7:] == (
        ["test.first"] + [f"test.e{i}" for i in range(5)] + ["test.last"]
    )
    assert all(e.actor == personas["scorer"] for e in written)
    assert verify_chain() == []


@pytest.mark.django_db
def test_nothing_to_record_writes_nothing():
    assert record_many(actor=None, events=[]) == []
    assert not AuditEntry.objects.exists()

import datetime as dt
from decimal import Decimal

import pytest

from kaoping.audit import chain
from kaoping.audit.models import AuditEntry, AuditHead
from kaoping.audit.services import record, verify_chain
from kaoping.people.models import Department


@pytest.mark.django_db
def test_the_first_entry_chains_from_the_genesis_hash():
    entry = record(actor=None, action="system.start")
    assert entry.prev_hash == chain.GENESIS
    assert len(entry.hash) == 64 and entry.hash != chain.GENESIS


@pytest.mark.django_db
def test_each_entry_carries_the_hash_of_the_one_before():
    first = record(actor=None, action="system.start")
    second = record(actor=None, action="system.stop")
    assert second.prev_hash == first.hash
    assert second.hash != first.hash


@pytest.mark.django_db
def test_the_head_follows_the_newest_entry():
    record(actor=None, action="system.start")
    newest = record(actor=None, action="system.stop")
    head = AuditHead.objects.get()
    assert (head.last_hash, head.count) == (newest.hash, 2)


@pytest.mark.django_db
def test_it_takes_object_and_town_from_the_target(town, personas):
    department = town.departments.get()
    entry = record(
        actor=personas["town_admin"],
        action="department.update",
        target=department,
        old={"name": "旧名"},
        new={"name": department.name},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "people.department",
        str(department.pk),
        str(department),
    )
    assert entry.town == town
    assert (entry.actor, entry.actor_name) == (personas["town_admin"], "town_admin")


@pytest.mark.django_db
def test_an_anonymous_actor_is_recorded_as_the_system(town):
    entry = record(actor=None, action="account.locked", target=town)
    assert entry.actor is None and entry.actor_name == "system"


@pytest.mark.django_db
def test_values_read_back_from_the_database_hash_the_same(town):
    values = {
        "score": Decimal("97.50"),
        "day": dt.date(2026, 3, 1),
        "names": ("王小明", "李四"),
        "nested": {"weight": 0.2, "count": 3, "none": None, "yes": True},
        "unit": Department.objects.filter(town=town).first(),
    }
    record(actor=None, action="score.update", town=town, old={}, new=values, note="换行\n备注")
    assert verify_chain() == []
    stored = AuditEntry.objects.get()
    assert stored.new["score"] == "97.50" and stored.new["day"] == "2026-03-01"
    assert stored.new["unit"] == town.departments.first().pk

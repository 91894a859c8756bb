import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kaoping.audit.services import record

URL = reverse("audit:verify")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def entries(town, other_town):
    return [record(actor=None, action="cadre.update", town=t, object_repr=t.name) for t in (town, other_town)]


@pytest.mark.django_db
def test_an_intact_chain_is_reported_with_the_number_of_entries(auditor, entries):
    response = auditor.post(URL)
    assert response.status_code == 302 and response.url == reverse("audit:entry_list")
    # The auditor's own login is an entry too.
    assert messages_of(response) == [
        "Chain intact: 3 entries checked.",
        "No head anchored outside the database yet: one is written at every publication.",
    ]


@pytest.mark.django_db
def test_each_break_is_reported(auditor, entries, tamper):
    tamper("UPDATE {table} SET note = %s WHERE id = %s", ["x", entries[0].pk])
    assert messages_of(auditor.post(URL)) == [
        f"Chain broken at entry #{entries[0].pk}: content does not match its hash"
    ]


@pytest.mark.django_db
def test_missing_triggers_are_reported(auditor, entries):
    from django.db import connection

    from kaoping.audit import triggers

    triggers.remove(connection)
    [message] = messages_of(auditor.post(URL))
    assert message.startswith("The database no longer refuses changes to the audit log")


@pytest.mark.django_db
def test_it_must_be_posted(auditor):
    assert auditor.get(URL).status_code == 405


@pytest.mark.django_db
def test_every_other_role_is_refused(client_for, personas):
    for name, user in personas.items():
        if name == "auditor":
            continue
        assert client_for(user).post(URL).status_code == 403, name


@pytest.mark.django_db
def test_a_long_list_of_breaks_is_cut_short(auditor, town, tamper):
    for i in range(12):
        record(actor=None, action="cadre.update", town=town, object_repr=str(i))
    tamper("UPDATE {table} SET note = %s WHERE action = %s", ["x", "cadre.update"])
    shown = messages_of(auditor.post(URL))
    assert len(shown) == 11
    assert shown[-1] == "…and 2 more; run the verifyaudit command for the full list."


@pytest.mark.django_db
def test_a_log_shorter_than_its_anchor_is_reported(auditor, entries, tamper):
    from kaoping.audit.models import AuditHead
    from kaoping.audit.services import anchor_now

    anchor_now(reason="cron")
    tamper("DELETE FROM {table} WHERE id = %s", [entries[1].pk])
    AuditHead.objects.filter(pk=1).update(last_hash=entries[0].hash, count=2)  # the login and one entry
    [shown] = messages_of(auditor.post(URL))
    assert shown.startswith("Anchor check failed: The log has 2 entries, but 3 were anchored on ")
    assert shown.endswith("(cron): entries were removed.")


@pytest.mark.django_db
def test_held_anchors_are_reported(auditor, entries):
    from kaoping.audit.services import anchor_now

    anchor_now(reason="cron")
    shown = messages_of(auditor.post(URL))
    assert "The log still holds the 1 head anchored outside the database." in shown

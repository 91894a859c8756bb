"""Every entry the demo writes reads, in the list and on its own page, as the auditor reads it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaoping.accounts.models import User
from kaoping.audit.models import AuditEntry
from kaoping.audit.views import PAGE_SIZE


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, as `kaoping demo` loads it, once for the module."""
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_auditor(demo, client):
    client.force_login(User.objects.get(username="audit"))
    return client


@pytest.fixture
def city_auditor(demo, client):
    """The demo's auditor of every town: reads the entries of no town too (the demo's `demo.load`)."""
    client.force_login(User.objects.get(username="city-audit"))
    return client


@pytest.mark.django_db
def test_every_page_of_the_log_reads_for_the_demo_auditor(demo_auditor):
    visible = AuditEntry.objects.filter(town__slug="xiacun").count()
    assert visible > 1
    for number in range(1, (visible + PAGE_SIZE - 1) // PAGE_SIZE + 1):
        response = demo_auditor.get(reverse("audit:entry_list"), {"page": number})
        assert response.status_code == 200, number


@pytest.mark.django_db
def test_every_entry_the_demo_writes_reads_on_its_own_page(demo_auditor):
    entries = list(AuditEntry.objects.filter(town__slug="xiacun").order_by("id"))
    assert {"scheme", "evaluation_round", "supervision_item", "bulletin"} <= {
        e.action.partition(".")[0] for e in entries
    }
    for entry in entries:
        response = demo_auditor.get(reverse("audit:entry_detail", kwargs={"pk": entry.pk}))
        assert response.status_code == 200, (entry.pk, entry.action)


@pytest.mark.django_db
def test_every_kind_of_entry_the_demo_writes_reads_even_those_of_no_town(city_auditor):
    demo_auditor = city_auditor
    kinds = AuditEntry.objects.order_by().values_list("action", "object_type").distinct()
    assert ("demo.load", "people.town") in set(kinds)
    response = demo_auditor.get(reverse("audit:entry_list"))
    assert response.status_code == 200 and "demo.load" in response.content.decode()
    for action, object_type in kinds:
        for entry in AuditEntry.objects.filter(action=action, object_type=object_type).order_by("id")[:3]:
            response = demo_auditor.get(reverse("audit:entry_detail", kwargs={"pk": entry.pk}))
            assert response.status_code == 200, (entry.pk, entry.action)
        filtered = demo_auditor.get(
            reverse("audit:entry_list"), {"action": action, "object_type": object_type}
        )
        assert filtered.status_code == 200, action


@pytest.mark.django_db
def test_every_verb_the_demo_writes_has_a_name(demo):
    from kaoping.audit.actions import VERBS

    verbs = {a.rpartition(".")[2] for a in AuditEntry.objects.values_list("action", flat=True)}
    assert verbs - set(VERBS) == set()

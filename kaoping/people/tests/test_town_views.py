import pytest
from django.urls import reverse

from kaoping.audit.models import AuditEntry
from kaoping.people.models import Town


@pytest.mark.django_db
def test_the_city_administrator_adds_a_town(client_for, personas):
    client = client_for(personas["city_admin"])
    response = client.post(
        reverse("people:town_create"), {"name": "育黎镇", "slug": "yuli", "city": "乳山市", "is_active": "on"}
    )
    assert response.status_code == 302
    town = Town.objects.get(slug="yuli")
    assert AuditEntry.objects.get(action="town.create", town=town).new["name"] == "育黎镇"


@pytest.mark.django_db
def test_a_duplicate_short_code_is_refused(client_for, personas, town):
    client = client_for(personas["city_admin"])
    response = client.post(reverse("people:town_create"), {"name": "别的镇", "slug": town.slug, "city": ""})
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


@pytest.mark.django_db
def test_the_town_list_counts_cadres_in_service(client_for, personas, town, other_town):
    response = client_for(personas["city_admin"]).get(reverse("people:town_list"))
    counts = {t.slug: t.active_cadres for t in response.context["towns"]}
    assert counts == {town.slug: 1, other_town.slug: 0}


@pytest.mark.django_db
def test_home_sends_a_city_administrator_to_a_town_chooser(client_for, personas, town, other_town):
    response = client_for(personas["city_admin"]).get("/")
    assert response.status_code == 200
    assert {t.slug for t in response.context["towns"]} == {town.slug, other_town.slug}


@pytest.mark.django_db
def test_home_sends_the_auditor_to_the_audit_log(client_for, personas):
    response = client_for(personas["auditor"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:entry_list")

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kaoping.audit.models import AuditEntry
from kaoping.testing import PASSWORD

LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_a_right_password_logs_in_and_lands_on_the_town_home_page(client, personas, town):
    response = _login(client, "assessment_office", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("town_home", kwargs={"town": town.slug})
    assert AuditEntry.objects.filter(action="auth.login", town=town).exists()


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get(LOGIN).content.decode()
    english = client.get(LOGIN, headers={"accept-language": "en"}).content.decode()
    assert "Log in" in english


@pytest.mark.django_db
def test_a_lockout_is_audited_without_the_password(client, personas):
    for _ in range(5):
        _login(client, "scorer", "Secret#word9")
    entry = AuditEntry.objects.get(action="account.locked")
    assert entry.object_repr == "scorer"
    assert "Secret#word9" not in str(entry.old) + str(entry.new) + entry.note


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(client, personas, town):
    assert _login(client, "main_leader", PASSWORD).status_code == 302
    home = reverse("town_home", kwargs={"town": town.slug})
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(home).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20 + 31)):
        response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_activity_keeps_a_session_alive(client, personas, town):
    assert _login(client, "main_leader", PASSWORD).status_code == 302
    home = reverse("town_home", kwargs={"town": town.slug})
    start = timezone.now()
    for minutes in (25, 50, 75):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get(home).status_code == 200


@pytest.mark.django_db
def test_logout_ends_the_session(client, personas, town):
    _login(client, "main_leader", PASSWORD)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("town_home", kwargs={"town": town.slug})).status_code == 302

"""Login lockout: by account and address together, a limit per address, exact under bursts."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaoping.accounts.models import User
from kaoping.audit.models import AuditEntry
from kaoping.testing import PASSWORD

LOGIN = "/accounts/login/"
STRANGER = "198.51.100.7"
OWNER = "203.0.113.20"


def _login(client, username, password, address=STRANGER, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def _fail(client, username, times, address=STRANGER):
    for _ in range(times):
        _login(client, username, "wrong-Pass1!", address)


@pytest.mark.django_db
def test_a_strangers_failures_do_not_lock_the_owner_out(client, personas):
    _fail(client, "town_admin", settings.KAOPING_LOGIN_MAX_FAILURES)
    assert _login(Client(), "town_admin", PASSWORD, address=OWNER).status_code == 302
    refused = _login(Client(), "town_admin", PASSWORD, address=STRANGER)
    assert refused.status_code == 429


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_stopped(client, personas):
    usernames = [u.username for u in personas.values()]
    limit = settings.KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS
    for n in range(limit):
        response = _login(client, usernames[n % len(usernames)], "wrong-Pass1!")
        assert response.status_code == (200 if n < limit - 1 else 429), n
    # Even a right password from that address is refused now; from elsewhere it works.
    assert _login(Client(), "main_leader", PASSWORD).status_code == 429
    assert _login(Client(), "main_leader", PASSWORD, address=OWNER).status_code == 302
    assert AuditEntry.objects.filter(action="address.locked", object_repr=STRANGER).count() == 1


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address_for_fifteen_minutes(client, personas):
    _fail(client, "scorer", settings.KAOPING_LOGIN_MAX_FAILURES)
    assert _login(client, "scorer", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert User.objects.get(username="scorer").is_locked()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(client, "scorer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_four_failures_then_success_starts_the_count_again(client, personas):
    _fail(client, "scorer", 4)
    assert _login(client, "scorer", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    _fail(client, "scorer", 4)
    assert _login(client, "scorer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lockout_writes_one_audit_entry_not_one_per_attempt(client, personas):
    _fail(client, "scorer", settings.KAOPING_LOGIN_MAX_FAILURES + 3)
    _login(client, "scorer", PASSWORD)
    user = User.objects.get(username="scorer")
    entries = AuditEntry.objects.filter(action="account.locked", object_id=str(user.pk))
    assert entries.count() == 1
    assert entries.get().new["address"] == STRANGER
    assert not AuditEntry.objects.filter(action="auth.login_failed").exists()


@pytest.mark.django_db
def test_the_lockout_page_is_the_applications_own_in_the_users_language(client, personas):
    _fail(client, "scorer", settings.KAOPING_LOGIN_MAX_FAILURES)
    english = _login(client, "scorer", PASSWORD, headers={"accept-language": "en"})
    assert english.status_code == 429
    text = english.content.decode()
    assert "Too many failed logins" in text and "Log in" in text
    until = timezone.localtime(timezone.now() + timedelta(minutes=15)).strftime("%H:%M")
    assert until in text
    chinese = _login(client, "scorer", PASSWORD)
    assert "登录失败次数过多" in chinese.content.decode()


@pytest.mark.django_db
def test_an_unknown_username_is_counted_against_the_address_too(client, personas):
    limit = settings.KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS
    for n in range(limit):
        _login(client, f"nobody{n}", "wrong-Pass1!")
    assert _login(client, "scorer", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_forwarded_address_counts_only_behind_a_configured_proxy(client, personas, settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    for _ in range(settings.KAOPING_LOGIN_MAX_FAILURES):
        _login(client, "scorer", "wrong-Pass1!", address="127.0.0.1", **forwarded)
    # Not behind a proxy: the header is the client's word and is ignored; the socket address counts.
    assert _login(Client(), "scorer", PASSWORD, address="127.0.0.1").status_code == 429
    settings.KAOPING_BEHIND_PROXY = True
    other = {"HTTP_X_FORWARDED_FOR": "192.0.2.100"}
    assert _login(Client(), "scorer", PASSWORD, address="127.0.0.1", **other).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_wrong_passwords_checks_only_the_allowed_number(personas, monkeypatch):
    """30 simultaneous wrong passwords: exactly five are checked, all thirty refused, one lockout."""
    checked: list[str] = []
    real_check = User.check_password

    def counting_check(self, raw_password):
        checked.append(self.username)
        return real_check(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting_check)
    burst = 30
    start = threading.Barrier(burst)
    statuses: list[int] = []

    def attempt() -> None:
        try:
            start.wait()
            statuses.append(_login(Client(), "town_admin", "wrong-Pass1!").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(burst)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == burst
    assert len(checked) == settings.KAOPING_LOGIN_MAX_FAILURES
    assert statuses.count(429) == burst - settings.KAOPING_LOGIN_MAX_FAILURES + 1
    assert AuditEntry.objects.filter(action="account.locked").count() == 1

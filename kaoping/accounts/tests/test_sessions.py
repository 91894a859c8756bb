"""The 30-minute idle timeout, kept without writing the session at every request (accounts/sessions.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.accounts.permissions import Grant, grants
from kaoping.testing import PASSWORD

SESSION_TABLE = Session._meta.db_table


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if SESSION_TABLE in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


@pytest.fixture
def logged_in(client, personas, town):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert (
            client.post("/accounts/login/", {"username": "main_leader", "password": PASSWORD}).status_code
            == 302
        )
    return client, start, reverse("town_home", kwargs={"town": town.slug})


@pytest.mark.django_db
def test_a_request_within_the_minute_writes_nothing_to_the_session_table(logged_in):
    client, start, home = logged_in
    with (
        time_machine.travel(start + timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(home)
    assert response.status_code == 200 and response.context["town"].slug == "xiacun"
    assert _writes(queries.captured_queries) == []


@pytest.mark.django_db
def test_healthz_with_a_session_cookie_writes_nothing_within_the_minute(logged_in):
    client, start, _home = logged_in
    with (
        time_machine.travel(start + timedelta(seconds=59), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert _writes(queries.captured_queries) == []


@pytest.mark.django_db
def test_a_request_after_the_minute_moves_the_expiry_on(logged_in):
    client, start, home = logged_in
    key = client.cookies["sessionid"].value
    first_expiry = Session.objects.get(session_key=key).expire_date
    with (
        time_machine.travel(start + timedelta(minutes=2), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(home).status_code == 200
    assert len(_writes(queries.captured_queries)) == 1
    assert Session.objects.get(session_key=key).expire_date - first_expiry == timedelta(minutes=2)


@pytest.mark.django_db
def test_a_session_idle_31_minutes_is_logged_out_and_one_idle_29_is_not(logged_in):
    client, start, home = logged_in
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(home).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_requests_every_50_seconds_keep_a_session_alive_for_an_hour(logged_in):
    client, start, home = logged_in
    for step in range(1, 73):
        with time_machine.travel(start + timedelta(seconds=50 * step), tick=False):
            assert client.get(home).status_code == 200, step


@pytest.mark.django_db
def test_a_cadres_session_reads_the_user_and_their_cadre_record_in_one_query(client, personas, town):
    """The login backend (accounts/backends.py) reads the cadre with the user: a cadre's page needs
    both (their grants name the cadre's town)."""
    assert client.post("/accounts/login/", {"username": "cadre", "password": PASSWORD}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("town_home", kwargs={"town": town.slug})).status_code == 200
    user_queries = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    cadre_queries = [q["sql"] for q in queries if q["sql"].lstrip().startswith('SELECT "people_cadre"')]
    assert len(user_queries) == 1
    assert "people_cadre" in user_queries[0]  # joined
    assert cadre_queries == []  # no second read of the cadre record


@pytest.mark.django_db
def test_a_user_deactivated_while_logged_in_is_logged_out_at_the_next_request(logged_in, personas):
    client, start, home = logged_in
    assert client.get(home).status_code == 200
    personas["main_leader"].is_active = False
    personas["main_leader"].save(update_fields=["is_active"])
    page = client.get(home)
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_session_of_a_user_since_deleted_is_a_visitor(client, town):
    session = client.session
    session["_auth_user_id"] = "999999"
    session["_auth_user_backend"] = "kaoping.accounts.backends.Backend"
    session.save()
    page = client.get(reverse("town_home", kwargs={"town": town.slug}))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_roles_are_read_with_the_user_and_a_role_removed_meanwhile_counts_at_once(
    client, town, other_town
):
    """The login backend reads the user's roles in the user's own statement (no query of its own); they
    are the roles as the ORM reads them, city-wide ones and populations included, in their order; a
    role removed between two requests counts at the next one."""
    user = User.objects.create_user("many-roles", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.SCORER, town=town, population="agency")
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR, town=None)
    RoleAssignment.objects.create(user=user, role=Role.MAIN_LEADER, town=other_town)
    client.force_login(user)
    home = reverse("town_home", kwargs={"town": other_town.slug})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(home)
    assert page.status_code == 200
    role_reads = [q["sql"] for q in queries if "accounts_roleassignment" in q["sql"]]
    assert len(role_reads) == 1 and 'FROM "accounts_user"' in role_reads[0]
    assert grants(page.wsgi_request.user) == (
        Grant(Role.SCORER, town.pk, "agency"),
        Grant(Role.AUDITOR, None, ""),
        Grant(Role.MAIN_LEADER, other_town.pk, ""),
    )
    RoleAssignment.objects.filter(user=user).delete()
    assert grants(client.get(home).wsgi_request.user) == ()

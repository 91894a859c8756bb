from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_reads_only_the_session_and_the_user_besides_its_own_query(
    client, personas, django_assert_num_queries
):
    """The per-request cost every page shares (`make bench-load`'s bare view): without a session,
    the check's own `SELECT 1`; logged in, the session and the user besides (no session write within
    the minute, no roles, no inbox count)."""
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
    client.force_login(personas["assessment_office"])
    client.get("/healthz")  # the first request after the login may write the session's activity
    with django_assert_num_queries(3):
        assert client.get("/healthz").status_code == 200

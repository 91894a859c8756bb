"""A database outage shows the application's own page in the user's language, with no trace and no
connection string; `/healthz` still answers 503; any other fault gets the application's own page too."""

import json
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import Client

from .conftest import target_env

# Nothing listens on this port (one of those given to this work): the database is unreachable.
CLOSED = "postgres://kaoping:s3cret-pw@127.0.0.1:8112/kaoping"

PROBE = """
import json, django
django.setup()
from django.test import Client
out = {}
for language in ("en", "zh-CN"):
    client = Client(raise_request_exception=False, HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["sessionid"] = "a" * 32
    for path in ("/", "/t/xiacun/"):
        r = client.get(path)
        out[f"{language} GET {path}"] = [r.status_code, r.content.decode(), r.get("Retry-After")]
    r = client.post("/accounts/login/", {"username": "clerk", "password": "x"})
    out[f"{language} POST login"] = [r.status_code, r.content.decode(), r.get("Retry-After")]
r = Client(HTTP_HOST="localhost").get("/healthz")
out["healthz"] = [r.status_code, r.content.decode(), None]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    env = target_env(tmp_path_factory.mktemp("data"), CLOSED)
    env["DJANGO_SETTINGS_MODULE"] = "kaoping.settings"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_page_asked_for_while_the_database_is_unreachable_gets_the_outage_page_in_english(outage):
    for key in ("en GET /", "en GET /t/xiacun/", "en POST login"):
        status, html, retry = outage[key]
        assert status == 500, key
        assert "The service is unavailable" in html and "The database is not answering" in html, key
        assert retry == "60"


def test_the_outage_page_speaks_chinese_to_a_chinese_browser(outage):
    status, html, _retry = outage["zh-CN GET /t/xiacun/"]
    assert status == 500
    assert '<html lang="zh-hans">' in html
    assert "服务暂时不可用" in html and "数据库" in html


def test_the_outage_page_shows_no_trace_and_no_connection_string(outage):
    for key, (_status, html, _retry) in outage.items():
        if key == "healthz":
            continue
        for secret in (
            "s3cret",
            "8112",
            "postgres://",
            "127.0.0.1",
            "Traceback",
            "OperationalError",
            "psycopg",
        ):
            assert secret not in html, (key, secret)


def test_healthz_keeps_telling_the_load_balancer_the_truth(outage):
    status, body, _retry = outage["healthz"]
    assert status == 503
    assert json.loads(body) == {"status": "error", "database": "unreachable"}


@pytest.mark.django_db
def test_a_database_error_inside_a_page_gets_the_outage_page(personas, town, monkeypatch):
    def fail(town):
        raise OperationalError('connection to server at "10.0.0.9", port 5432 failed')

    monkeypatch.setattr("kaoping.site.views.town_overview", fail)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["town_admin"])
    response = client.get(f"/t/{town.slug}/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "The service is unavailable" in html
    assert "10.0.0.9" not in html


@pytest.mark.django_db
def test_any_other_fault_gets_the_applications_own_page_without_details(personas, town, monkeypatch):
    def fail(town):
        raise RuntimeError("secret detail /srv/kaoping/data")

    monkeypatch.setattr("kaoping.site.views.town_overview", fail)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["town_admin"])
    response = client.get(f"/t/{town.slug}/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and "The error has been logged" in html
    assert "secret detail" not in html and "RuntimeError" not in html
    assert "Retry-After" not in response

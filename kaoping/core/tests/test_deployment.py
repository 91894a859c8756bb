"""The documented production settings pass Django's deployment check, and logins work behind the proxy."""

import importlib.util
import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

import kaoping.settings
from kaoping.testing import PASSWORD

HOST = "kaoping.example.gov.cn"
# The production environment documented in docs/operations.md ("Deployment").
PRODUCTION = {
    "KAOPING_DEBUG": "false",
    "KAOPING_ALLOWED_HOSTS": HOST,
    "KAOPING_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "KAOPING_BEHIND_PROXY": "true",
    "KAOPING_HTTPS": "true",
}


def _kaoping(tmp_path, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KAOPING_")}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture
    environ.update(KAOPING_DATA_DIR=str(tmp_path), KAOPING_SECRET_KEY=secrets.token_urlsafe(50), **env)
    return subprocess.run(
        [sys.executable, "-m", "kaoping", *args], env=environ, capture_output=True, text=True, timeout=120
    )


def test_the_documented_production_settings_pass_the_deployment_check_without_a_warning(tmp_path):
    result = _kaoping(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_deployment_check_warns(tmp_path):
    settings = {**PRODUCTION, "KAOPING_HTTPS": "false"}
    result = _kaoping(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **settings)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


@pytest.mark.parametrize("name", ["KAOPING_HTTPS", "KAOPING_BEHIND_PROXY", "KAOPING_DEBUG"])
def test_a_mistyped_yes_or_no_stops_the_start(tmp_path, name):
    result = _kaoping(tmp_path, "check", **{name: "ture"})
    assert result.returncode != 0
    assert f"{name} must be true or false" in result.stderr


DEPLOYMENT_SETTINGS = [
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "USE_X_FORWARDED_HOST",
    "KAOPING_BEHIND_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


@pytest.fixture
def behind_the_proxy(settings, monkeypatch, tmp_path):
    """The settings file read afresh with the documented production environment."""
    for name, value in {
        **PRODUCTION,
        "KAOPING_DATA_DIR": str(tmp_path),
        "KAOPING_SECRET_KEY": "x" * 50,
    }.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("production_settings", kaoping.settings.__file__)
    production = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(production)
    for name in DEPLOYMENT_SETTINGS:
        setattr(settings, name, getattr(production, name, None))


def _through_the_proxy(client, method, path, **kwargs):
    """A request as nginx forwards it: plain HTTP to the app, the client's scheme and host in headers."""
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": HOST,
        "X-Forwarded-For": "203.0.113.5",
        "Host": "127.0.0.1:8000",
        **kwargs.pop("headers", {}),
    }
    return getattr(client, method)(path, headers=headers, REMOTE_ADDR="127.0.0.1", **kwargs)


@pytest.mark.django_db
def test_a_login_posted_through_the_https_proxy_succeeds(behind_the_proxy, personas):
    client = Client(enforce_csrf_checks=True)
    page = _through_the_proxy(client, "get", reverse("accounts:login"))
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    response = _through_the_proxy(
        client,
        "post",
        reverse("accounts:login"),
        data={"username": "main_leader", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}/accounts/login/"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.cookies["sessionid"]["secure"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_plain_http_through_the_proxy_is_sent_to_https_but_the_health_check_is_not(behind_the_proxy):
    response = _through_the_proxy(Client(), "get", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 301 and response["Location"].startswith(f"https://{HOST}/")
    health = _through_the_proxy(Client(), "get", "/healthz", headers={"X-Forwarded-Proto": "http"})
    assert health.status_code == 200


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy

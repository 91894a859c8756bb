"""`make run` / `kaoping serve` print the address they really serve: KAOPING_BIND (or --bind), read as
gunicorn reads it; the demo's account list points there too."""

from io import StringIO

import pytest
from django.core.management import call_command

from kaoping.core.serving import served_text, served_urls


@pytest.mark.parametrize(
    ("bind", "urls"),
    [
        ("127.0.0.1:8000", ["http://127.0.0.1:8000/"]),
        ("10.1.2.3:8121", ["http://10.1.2.3:8121/"]),
        ("localhost", ["http://localhost:8000/"]),  # gunicorn's port when none is given
        ("[::1]:9000", ["http://[::1]:9000/"]),
        ("unix:/run/kaoping.sock", []),
    ],
)
def test_the_address_served_is_the_one_bound(bind, urls):
    assert served_urls(bind) == urls


def test_every_interface_is_opened_at_the_loopback_or_by_the_machines_name(monkeypatch):
    monkeypatch.setattr("kaoping.core.serving.socket.gethostname", lambda: "kaoping-host")
    assert served_urls("0.0.0.0:8080") == ["http://127.0.0.1:8080/", "http://kaoping-host:8080/"]
    assert (
        served_text("0.0.0.0:8080")
        == "http://127.0.0.1:8080/ (or http://kaoping-host:8080/ from another machine)"
    )


def test_serve_prints_the_kaoping_bind_address_and_binds_it(monkeypatch):
    monkeypatch.setenv("KAOPING_BIND", "127.0.0.1:8125")
    ran = {}
    monkeypatch.setattr("os.execvp", lambda file, args: ran.setdefault("args", args))
    out = StringIO()
    call_command("serve", stdout=out)
    assert "Kaoping at http://127.0.0.1:8125/" in out.getvalue()
    assert ran["args"][ran["args"].index("--bind") + 1] == "127.0.0.1:8125"


@pytest.mark.parametrize(
    ("bind", "spread"),
    [
        ("127.0.0.1:8000", True),
        ("0.0.0.0:8000", True),
        ("[::1]:9000", True),
        ("unix:/run/kaoping.sock", False),
    ],
)
def test_the_workers_share_out_the_connections_on_an_address_and_port(monkeypatch, bind, spread):
    """Each worker listens on its own socket (SO_REUSEPORT) where the kernel can deal connections out
    among them; never on a Unix socket path, which each worker would take from the one before."""
    ran = {}
    monkeypatch.setattr("os.execvp", lambda file, args: ran.setdefault("args", args))
    call_command("serve", "--bind", bind, stdout=StringIO())
    assert ("--reuse-port" in ran["args"]) is spread
    assert ran["args"][ran["args"].index("--bind") + 1] == bind


def test_serve_without_kaoping_bind_serves_the_loopback_on_8000(monkeypatch):
    monkeypatch.delenv("KAOPING_BIND", raising=False)
    monkeypatch.setattr("os.execvp", lambda file, args: None)
    out = StringIO()
    call_command("serve", stdout=out)
    assert "Kaoping at http://127.0.0.1:8000/" in out.getvalue()


@pytest.mark.django_db
def test_the_demo_account_list_points_at_the_kaoping_bind_address(monkeypatch):
    monkeypatch.setenv("KAOPING_BIND", "127.0.0.1:8126")
    out = StringIO()
    call_command("demo", "--without-history", stdout=out)
    assert "Open http://127.0.0.1:8126/" in out.getvalue()
    assert "8000" not in out.getvalue()

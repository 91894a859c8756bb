"""A small populated town, the databases' raw contents, and `kaoping` run as an operator would.

Backups are compared with restores table by table through the database driver itself (sqlite3 or
psycopg), on both sides alike, so that no ORM conversion hides a difference.
"""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kaoping import testing
from kaoping.audit import keys
from kaoping.ops import database
from kaoping.scoring import services as scoring
from kaoping.scoring.tests.conftest import fill, make_scheme

Dump = dict[str, list[str]]


@pytest.fixture(autouse=True)
def _own_audit_key(settings, tmp_path_factory):
    """Each test keys its audit log with a key file of its own."""
    settings.KAOPING_AUDIT_KEY_FILE = tmp_path_factory.mktemp("key") / "audit_key"
    keys.forget()
    yield
    keys.forget()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def populate() -> dict[str, Any]:
    """A town with its personas, an agency scheme, four cadres and March open with a scored sheet."""
    town = testing.make_town()
    other = testing.make_town(slug="nanhuang", name="南黄镇")
    personas = testing.make_personas(town, other)
    scheme = make_scheme(town)
    for serial, name in enumerate(["张伟", "李娜", "赵强"], start=1):
        testing.make_cadre(town, name, serial)
    period = scoring.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 3, 1))
    sheet = period.sheets.get(scheme=scheme)
    fill(sheet, personas["scorer"])
    return {"town": town, "personas": personas, "sheet": sheet}


def source_settings() -> dict[str, Any]:
    return connection.settings_dict


@contextmanager
def raw(settings_dict: dict[str, Any]) -> Iterator[Any]:
    """A driver connection of its own to the database `settings_dict` names."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(str(settings_dict["NAME"]), timeout=20)
    else:
        conn = database.pg_connect(settings_dict)
    try:
        yield conn
    finally:
        conn.close()


def dump(settings_dict: dict[str, Any]) -> Dump:
    """Every table's rows, each as text, sorted: two databases with equal dumps hold the same data."""
    with raw(settings_dict) as conn:
        cursor = conn.cursor()
        sqlite = settings_dict["ENGINE"].endswith("sqlite3")
        tables = database.sqlite_tables(cursor) if sqlite else database.pg_tables(cursor)
        result = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            result[table] = sorted(repr(tuple(row)) for row in cursor.fetchall())
        if not sqlite:
            conn.rollback()
    return result


def kaoping(*args: str, env: dict[str, str], **popen: Any) -> subprocess.Popen:
    """`kaoping <args>` in a process of its own (its own session, so a kill takes its children too)."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kaoping", *args],
        env={**env, "LANGUAGE": "en"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    )


def target_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of a server whose data directory is `data_dir` (SQLite there unless a URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPING_") and k != "DATABASE_URL"}
    env["KAOPING_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def pg_url(s: dict[str, Any]) -> str:
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


@pytest.fixture
def target(tmp_path) -> Iterator[dict[str, Any]]:
    """An empty restore target of the same vendor as the test database: a new data directory, and on
    PostgreSQL a new database (dropped at the end)."""
    data_dir = tmp_path / "target"
    data_dir.mkdir(mode=0o700)
    if connection.vendor == "sqlite":
        yield {
            "env": target_env(data_dir, None),
            "data_dir": data_dir,
            "settings": {"ENGINE": "sqlite3", "NAME": data_dir / "kaoping.sqlite3"},
        }
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = {**connection.settings_dict, "NAME": "postgres"}
    with raw(admin) as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    url = pg_url({**s, "NAME": name})
    try:
        yield {"env": target_env(data_dir, url), "data_dir": data_dir, "settings": {**s, "NAME": name}}
    finally:
        with raw(admin) as conn:
            conn.autocommit = True
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

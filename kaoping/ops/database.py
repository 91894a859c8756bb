"""What the backup needs from each database: a consistent snapshot, its tables, counts and schema."""

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from kaoping.ops.archive import Refused

Counts = dict[str, int]
Schema = dict[str, list[str]]


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The libpq environment for pg_dump / pg_restore: the password never goes on a command line."""
    env = {**os.environ, "PGDATABASE": str(settings_dict["NAME"])}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def pg_connect(settings_dict: dict[str, Any]):
    import psycopg

    params = {"dbname": settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    return psycopg.connect(**params)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def counts_and_schema(cursor, tables: list[str]) -> tuple[Counts, Schema]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    schema: Schema = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            schema.setdefault(app, []).append(name)
    return counts, schema


def sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [row[0] for row in cursor.fetchall()]


def sqlite_snapshot(connection: BaseDatabaseWrapper, out: Path) -> tuple[Counts, Schema]:
    """Copy the live database with SQLite's backup API in one step: one read transaction, so the
    copy is the database as of one commit while writers go on (WAL lets them)."""
    source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=20)
    target = sqlite3.connect(str(out))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        return counts_and_schema(cursor, sqlite_tables(cursor))
    finally:
        target.close()
        source.close()


def pg_snapshot(connection: BaseDatabaseWrapper, out: Path) -> tuple[Counts, Schema]:
    """`pg_dump -Fc` from an exported snapshot, and the row counts read in that same snapshot, so the
    manifest describes exactly the rows in the dump while writers go on."""
    with pg_connect(connection.settings_dict) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={out}"],
            env=pg_env(connection.settings_dict),
        )
        cursor = conn.cursor()
        result = counts_and_schema(cursor, pg_tables(cursor))
        conn.rollback()
    return result


def run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise Refused(
            _(
                "%(program)s is not installed: install the PostgreSQL client (apt-get install "
                "postgresql-client)."
            )
            % {"program": command[0]}
        ) from error
    if done.returncode != 0:
        raise Refused(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": done.stderr.strip()[-2000:]}
        )

"""Database triggers that refuse UPDATE and DELETE on the audit entry table.

The model refuses changes too, but only the database can refuse them to a script or a raw SQL
session. SQLite and PostgreSQL are supported; on another database nothing is installed and
`missing` reports every trigger as missing, so `kaoping verifyaudit` says so.

On SQLite, a migration that rebuilds the audit entry table (most column changes do) drops its
triggers with the old table: such a migration must call `install` again. The test
`test_triggers.py::test_the_triggers_are_in_place_after_all_migrations` fails until it does.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"
MESSAGE = "audit entries are append-only"

_SQLITE_TRIGGERS = {
    f"{TABLE}_no_update": "UPDATE",
    f"{TABLE}_no_delete": "DELETE",
}
_PG_FUNCTION = f"{TABLE}_refuse_change"
_PG_TRIGGER = f"{TABLE}_append_only"


def names(connection: BaseDatabaseWrapper) -> list[str]:
    """The triggers that should exist on this database."""
    if connection.vendor == "sqlite":
        return sorted(_SQLITE_TRIGGERS)
    if connection.vendor == "postgresql":
        return [_PG_TRIGGER]
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the triggers. Idempotent."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, event in _SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        elif connection.vendor == "postgresql":
            # restrict_violation is an integrity error class, so both databases raise IntegrityError.
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {_PG_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (to reverse the migration, or inside a test that tampers on purpose)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_TRIGGER} ON {TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """The triggers that are absent or disabled; empty when the table is protected."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'", [TABLE]
            )
        else:
            return ["append-only triggers (unsupported database)"]
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names(connection) if name not in present]

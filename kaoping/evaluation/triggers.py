"""Database triggers that keep ballots immutable (SQLite and PostgreSQL).

A stored ballot can never be updated; no ballot can be added to or removed from a closed round.
Installed by this app's migration. On SQLite the delete guard stands down while the audit log's
own append-only triggers are lifted, which only the project's `flush` (a demo reset) does: that
is the one sanctioned way to empty the database. PostgreSQL flushes with TRUNCATE, which row
triggers do not see.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "evaluation_ballot"
ROUNDS = "evaluation_round"
MESSAGE = "ballots are immutable once stored, and a closed round takes no ballot"
_CLOSED = "(SELECT status FROM evaluation_round WHERE id = {row}.round_id) = 'closed'"
_AUDIT_PROTECTED = (
    "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_auditentry_no_delete')"
)

_SQLITE = {
    f"{TABLE}_no_update": ("UPDATE", ""),
    f"{TABLE}_closed_no_insert": ("INSERT", "WHEN " + _CLOSED.format(row="NEW")),
    f"{TABLE}_closed_no_delete": ("DELETE", "WHEN " + _CLOSED.format(row="OLD") + " AND " + _AUDIT_PROTECTED),
}
_PG_FUNCTION = f"{TABLE}_guard_fn"
_PG_TRIGGER = f"{TABLE}_guard"


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the triggers. Idempotent."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, (event, when) in _SQLITE.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} {when} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        elif connection.vendor == "postgresql":
            raise_it = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';"
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN "
                f"IF TG_OP = 'UPDATE' THEN {raise_it} END IF; "
                f"IF TG_OP = 'INSERT' THEN "
                f"  IF {_CLOSED.format(row='NEW')} THEN {raise_it} END IF; RETURN NEW; "
                f"END IF; "
                f"IF {_CLOSED.format(row='OLD')} THEN {raise_it} END IF; RETURN OLD; "
                f"END $$"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {_PG_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_TRIGGER} ON {TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")

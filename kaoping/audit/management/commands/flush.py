"""Django's `flush`, refused on a database whose audit log has entries.

Emptying the log would erase the history it exists to keep, so `kaoping flush` refuses as soon
as the log holds one entry. Two callers may still empty it:

- the test suite, on its own test database (Django's transactional tests flush after each test);
- a demo reset (`kaoping demo --reset`), which passes `audit_reset` with its reason: the reset is
  written to the audit anchor file first, so that `kaoping verifyaudit` reports it ever after.

On SQLite flushing deletes row by row, which the append-only triggers refuse; so the triggers are
lifted for the flush and put back after it.
"""

from pathlib import Path

from django.core import mail
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from kaoping.audit import services, triggers


def is_test_database(connection) -> bool:
    """True on a database a test run created, inside that test run.

    Django's test runner sets up a test environment (it is what provides `mail.outbox`) and names
    the databases it creates after their TEST name, "test…" by default; both must hold.
    """
    if not hasattr(mail, "outbox"):
        return False
    name = str(connection.settings_dict.get("NAME") or "")
    test_name = str((connection.settings_dict.get("TEST") or {}).get("NAME") or "")
    return name == test_name or Path(name).name.startswith("test")


class Command(flush.Command):
    stealth_options = (*flush.Command.stealth_options, "audit_reset")

    def handle(self, **options):
        connection = connections[options["database"]]
        present = triggers.TABLE in connection.introspection.table_names()
        if present and (reason := options.get("audit_reset")):
            services.record_reset(reason=reason)
        elif present and not is_test_database(connection):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(triggers.TABLE)}")
                (entries,) = cursor.fetchone()
            if entries:
                raise CommandError(
                    f"Refused: the audit log holds {entries} entries, and flush would erase them. "
                    "The audit log is never emptied; to start the demo over, use `kaoping demo --reset` "
                    "(recorded in the audit anchors); to start afresh, create a new database."
                )
        protected = present and not triggers.missing(connection)
        if not protected:
            return super().handle(**options)
        triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)

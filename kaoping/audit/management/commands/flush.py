"""Django's `flush`, made to work on a database whose audit log refuses deletes.

Flushing empties every table, the audit log included: an operator's deliberate reset, and what
Django's transactional tests do after each test. On SQLite it deletes row by row, which the
append-only triggers refuse; so the triggers are lifted for the flush and put back after it.
"""

from django.core.management.commands import flush
from django.db import connections

from kaoping.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        protected = triggers.TABLE in connection.introspection.table_names() and not triggers.missing(
            connection
        )
        if not protected:
            return super().handle(**options)
        triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)

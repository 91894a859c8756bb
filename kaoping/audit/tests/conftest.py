import pytest
from django.db import connection

from kaoping.audit import triggers
from kaoping.audit.models import AuditEntry


@pytest.fixture(autouse=True)
def _english(settings):
    """The pages in English, whatever the Chinese catalogue says."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def auditor(client_for, personas):
    return client_for(personas["auditor"])


@pytest.fixture
def tamper(db):
    """`tamper(sql, params)`: run raw SQL on the audit table with the triggers lifted for it,

    as someone with the database's owner rights could; `{table}` in `sql` is the entry table.
    """

    def run(sql: str, params=()):
        triggers.remove(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql.format(table=connection.ops.quote_name(AuditEntry._meta.db_table)), params)
        triggers.install(connection)

    return run

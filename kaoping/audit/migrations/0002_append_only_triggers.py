"""Database triggers that refuse UPDATE and DELETE on audit entries (SQLite and PostgreSQL).

The audit head row stays updatable: appending an entry moves it forward.
"""

from django.db import migrations

from kaoping.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]

"""Restore a file made by `kaoping backup` into an empty database, then check what was restored.

    kaoping restore /var/backups/kaoping/kaoping-2026-11-30.tar

Refused: a damaged or cut-short file, a backup of the other database vendor, one made by a newer
version, one without its keys, and a target database that is not empty. At the end it runs an
integrity check (SQLite), compares every table's row count with the manifest and runs
`verifyaudit`, and prints what it checked; it exits 1 if any check fails.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from kaoping.ops.archive import Refused
from kaoping.ops.language import operator_language
from kaoping.ops.restore import restore_run


class Command(BaseCommand):
    help = "Restore a Kaoping backup file into an empty database and check it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file made by `kaoping backup`")

    def handle(self, *args, **options):
        with translation.override(operator_language()):
            self.run(**options)

    def run(self, file: str, **options):
        try:
            outcome = restore_run(source=Path(file), say=self.stdout.write)
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        for line in outcome.checks:
            self.stdout.write(_("checked: %(what)s") % {"what": line})
        for line in outcome.problems:
            self.stderr.write(_("problem: %(what)s") % {"what": line})
        if outcome.problems:
            raise CommandError(
                _("Restored, but %(count)d checks failed (listed above).") % {"count": len(outcome.problems)}
            )
        if outcome.older_schema:
            self.stdout.write(
                _(
                    "The backup was made by an earlier version: run `kaoping migrate` before "
                    "starting the service."
                )
            )
        self.stdout.write(self.style.SUCCESS(_("Restore complete and checked.")))

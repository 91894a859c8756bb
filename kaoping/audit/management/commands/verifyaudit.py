"""Verify the audit log: recompute every hash in order and check the append-only triggers.

Prints the number of entries checked and "chain intact", or lists each break and exits with
status 1. Read-only: run it from cron as often as you like.
"""

from django.core.management.base import BaseCommand, CommandError

from kaoping.audit.selectors import chain_report


class Command(BaseCommand):
    help = "Verify that the audit log's hash chain is unbroken and that the database refuses changes to it."

    def handle(self, *args, **options):
        report = chain_report()
        for item in report.breaks:
            self.stderr.write(f"entry #{item.entry_id}: {item.reason}")
        for name in report.missing_triggers:
            self.stderr.write(f"trigger missing or disabled: {name}")
        if not report.intact:
            raise CommandError(
                f"{report.checked} entries checked: {len(report.breaks)} breaks, "
                f"{len(report.missing_triggers)} missing triggers"
            )
        self.stdout.write(self.style.SUCCESS(f"{report.checked} entries checked: chain intact"))

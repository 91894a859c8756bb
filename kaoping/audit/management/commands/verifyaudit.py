"""Verify the audit log: recompute every hash, hold the log to its anchors, check the triggers.

Prints the number of entries and anchors checked and "chain intact", or lists each problem and
exits with status 1. The anchors are the log's head as written, outside the database, to the
anchor file (at every publication of a month, and by `--anchor`) and with each published month.

    kaoping verifyaudit            check, change nothing
    kaoping verifyaudit --anchor   check, and when intact append the current head to the anchor
                                   file (run it from cron: every run then pins the log as it is)
"""

from django.core.management.base import BaseCommand, CommandError

from kaoping.audit import anchors, services
from kaoping.audit.selectors import chain_report


class Command(BaseCommand):
    help = (
        "Verify that the audit log's hash chain is unbroken, that it still holds every anchored head, "
        "and that the database refuses changes to it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="store_true",
            help="when the log is intact, append its head to the anchor file (for a daily cron job)",
        )

    def handle(self, *args, anchor: bool = False, **options):
        report = chain_report()
        for notice in report.notices:
            self.stdout.write(f"note: {notice}")
        for item in report.breaks:
            self.stderr.write(f"entry #{item.entry_id}: {item.reason}")
        for problem in report.anchor_problems:
            self.stderr.write(f"anchor: {problem}")
        for name in report.missing_triggers:
            self.stderr.write(f"trigger missing or disabled: {name}")
        if not report.intact:
            raise CommandError(
                f"{report.checked} entries and {report.anchors_checked} anchors checked: "
                f"{len(report.breaks)} breaks, {len(report.anchor_problems)} anchor problems, "
                f"{len(report.missing_triggers)} missing triggers"
            )
        self.stdout.write(self.style.SUCCESS(f"{report.checked} entries checked: chain intact"))
        self.stdout.write(
            f"{report.anchors_checked} anchors checked: all hold (anchor file {anchors.path()})"
        )
        if anchor:
            head = services.anchor_now(reason="kaoping verifyaudit --anchor")
            self.stdout.write(f"anchored {head}")

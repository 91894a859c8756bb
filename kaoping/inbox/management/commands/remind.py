"""`kaoping remind`: post the reminders due today to the inbox (and by e-mail, if enabled).

Safe to run twice: each reminder carries a key, and a key already posted to a person is not posted
again. Run it once a day from cron or a systemd timer (docs/operations.md, "Reminders").
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kaoping.inbox import reminders


class Command(BaseCommand):
    help = "Post the reminders due today (or on --date) to the users' inboxes."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")
        parser.add_argument("--source", action="append", help="only this source (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="count what is due, post nothing")
        parser.add_argument("--list", action="store_true", help="list the registered sources and stop")

    def handle(self, *args, **opts):
        if opts["list"]:
            for name in reminders.sources():
                self.stdout.write(name)
            return
        try:
            today = date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {opts['date']!r}") from exc
        try:
            with transaction.atomic():
                outcomes = reminders.send_due(today, only=opts["source"], dry_run=opts["dry_run"])
        except KeyError as exc:
            raise CommandError(f"unknown source: {exc.args[0]}") from exc
        suffix = " (dry run: nothing posted)" if opts["dry_run"] else ""
        for o in outcomes:
            self.stdout.write(f"{today} {o.name}: {o.due} due, {o.posted} posted{suffix}")

"""`kaoping demo`: load the demo towns into an empty database and print the demo accounts.

    kaoping demo              load the demo; refuses when the database already has towns
    kaoping demo --if-empty   load the demo only into an empty database, otherwise keep the data
                              (what `make run` does, so that re-running it keeps your changes)
    kaoping demo --reset      wipe ALL data, the audit log included, then load the demo again
    kaoping demo --dry-run    say what would be wiped and created, and change nothing

Wiping the audit log is otherwise impossible: its table refuses DELETE through database triggers.
A demo reset is the one legitimate exception: `--reset` empties every table with the project's
`flush` (which lifts the triggers and puts them back) and loads the demo, all in one transaction.
"""

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from kaoping.accounts.models import User
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.core.serving import bind_address, served_text
from kaoping.people import demo
from kaoping.people.models import Cadre, Town
from kaoping.site import demo as site_demo


class Command(BaseCommand):
    help = "Load the demo towns (once; --reset starts over) and print the demo accounts."

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--if-empty",
            action="store_true",
            help="load only when there are no towns; otherwise keep the data",
        )
        when.add_argument(
            "--reset", action="store_true", help="wipe all data, audit log included, and load the demo again"
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would happen, change nothing")
        parser.add_argument(
            "--without-history",
            action="store_true",
            help=(
                "people and accounts only: no schemes, scores, results, annual grades, pay or "
                "objections (quicker, for tests)"
            ),
        )

    def handle(self, *args, if_empty: bool, reset: bool, dry_run: bool, without_history: bool, **options):
        towns = Town.objects.count()
        if towns and not reset:
            if not if_empty:
                raise CommandError(
                    f"The database already has {towns} town(s); the demo loads only into an empty "
                    "database. `kaoping demo --reset` (or `make demo-reset`) wipes everything and loads it."
                )
            self.stdout.write(
                f"The database already has {towns} town(s): data kept. "
                "`make demo-reset` (kaoping demo --reset) starts over."
            )
            self._print_accounts()
            return

        plan = demo.build_plan()
        if dry_run:
            if reset:
                self.stdout.write(
                    f"Would wipe every table: {towns} town(s), {Cadre.objects.count()} cadre(s), "
                    f"{User.objects.count()} user(s), {AuditEntry.objects.count()} audit entries, ..."
                )
            self._print_plan(plan)
            self.stdout.write("Dry run: nothing changed.")
            return

        try:
            with transaction.atomic():
                if reset:
                    self._wipe()
                counts = site_demo.load_demo(plan=plan, history=not without_history)
        except (DatabaseError, DomainError) as error:
            raise CommandError(f"The demo was not loaded: {error}") from error
        summary = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in ("towns", "cadres", "users"))
        self.stdout.write(
            self.style.SUCCESS(f"{'Reset and loaded' if reset else 'Loaded'} the demo: {summary}.")
        )
        self._print_accounts()

    def _wipe(self) -> None:
        # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks pending, as when
        # this runs inside a caller's transaction (a test) that has just written rows: run them now.
        connection.check_constraints()
        call_command("flush", interactive=False, verbosity=0, audit_reset="kaoping demo --reset")

    def _print_plan(self, plan: demo.Plan) -> None:
        for town in plan.towns:
            counts = town.counts()
            self.stdout.write(f"Would create {town.spec.name} ({town.spec.slug}, {demo.CITY}):")
            for key, value in counts.items():
                self.stdout.write(f"  {key.replace('_', ' '):<32}{value}")
        totals = plan.counts()
        self.stdout.write(f"and {totals['users']} users with {totals['role_assignments']} role assignments.")
        self._print_table(demo.DEMO_ACCOUNTS)

    def _print_accounts(self) -> None:
        existing = set(
            User.objects.filter(username__in=[a.username for a in demo.DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        accounts = [a for a in demo.DEMO_ACCOUNTS if a.username in existing]
        if not accounts:
            self.stdout.write("No demo accounts in this database.")
            return
        self._print_table(accounts)
        self.stdout.write(
            f"Open {served_text(bind_address())} once `kaoping serve` runs, and sign in with one of them."
        )

    def _print_table(self, accounts: list[demo.DemoAccount]) -> None:
        self.stdout.write(
            f"\nDemo accounts (all share the password {demo.DEMO_PASSWORD}, unless changed since;"
            " real accounts must change theirs):"
        )
        with translation.override("zh-hans"):
            chinese = [str(a.role) for a in accounts]  # the role as the town calls it
        with translation.override("en"):
            rows = [("username", "password", "role", "town")] + [
                (a.username, demo.DEMO_PASSWORD, f"{a.role} {zh}", a.town)
                for a, zh in zip(accounts, chinese, strict=True)
            ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row[:3], widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


def _width(text: str) -> int:
    """Columns a terminal gives `text`: two for a Chinese character, so that the table lines up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

"""Check that a round's ballot box reconciles: ballots stored = codes marked used, per rater class.

    kaoping checkballots 12              a round by its id
    kaoping checkballots xiacun/2026Q1   a round by town and quarter

Read-only (so there is nothing for --dry-run to spare). Exits with status 1 when the box does not add up.

    kaoping checkballots 12 --wipe       and wipe the database's free space again (docs/anonymity.md)

Closing a round wipes the sealed ballots' old bytes (SQLite: WAL truncated; PostgreSQL: VACUUM FULL).
PostgreSQL keeps dead rows that a transaction open at that moment anywhere on the server might still
see; `--wipe` runs the wipe again once such a transaction has ended.
"""

from django.core.management.base import BaseCommand, CommandError

from kaoping.evaluation.models import Round
from kaoping.evaluation.selectors import reconcile, turnout
from kaoping.evaluation.services import wipe_free_space


class Command(BaseCommand):
    help = "Check that a democratic-evaluation round's ballots reconcile with its used codes, per class."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's id, or town/YYYYQn (e.g. xiacun/2026Q1)")
        parser.add_argument(
            "--wipe",
            action="store_true",
            help="also wipe the sealed ballots' old bytes again (after closing)",
        )

    def handle(self, *args, round: str, wipe: bool = False, **options):
        rnd = self._round(round)
        if wipe:
            wipe_free_space()
            self.stdout.write("free space wiped (SQLite WAL truncated, PostgreSQL ballot tables vacuumed)")
        for row in turnout(rnd):
            self.stdout.write(
                f"{row.rater_class.kind:16} issued {row.issued:5}  used {row.used:5}  ballots {row.ballots:5}"
            )
        problems = reconcile(rnd)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{rnd.town.slug}/{rnd.slug}: the ballot box does not reconcile")
        self.stdout.write(
            self.style.SUCCESS(f"{rnd.town.slug}/{rnd.slug}: ballots reconcile with used codes")
        )

    def _round(self, ref: str) -> Round:
        try:
            if ref.isdigit():
                return Round.objects.select_related("town").get(pk=int(ref))
            town, _sep, slug = ref.partition("/")
            year, quarter = slug.upper().split("Q")
            return Round.objects.select_related("town").get(
                town__slug=town, year=int(year), quarter=int(quarter)
            )
        except (ValueError, Round.DoesNotExist):
            raise CommandError(f"no such round: {ref}") from None

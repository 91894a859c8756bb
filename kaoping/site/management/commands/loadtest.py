"""`kaoping loadtest`: a town's working day at once against the production server, and no lost write.

On an empty database it builds one town of the bench city (`kaoping bench`'s builder: `--cadres`
cadres, `--items` indicators a scheme, January to March scored and computed), then sets the scene:
March closed and waiting to be published, April open with its score sheets, an account and a
logged-in session for every cadre of the town, `--scorer-users` scorers (two per population by
default), and an open democratic-evaluation round with `--codes` voting codes. It starts `kaoping
serve` (gunicorn, `--workers` × `--threads`) on a free loopback port and runs locust headless for
`--run-time` seconds with the user classes of `kaoping/site/loadtest_locustfile.py`, which use only
the pages and forms a browser uses:

- `--cadre-users` cadres logged in, browsing the town's home page, their own February breakdown, the
  ranking of their population and the bulletins, a few seconds between pages;
- the scorers saving a few cells of April's grids at a time, each with the version it was loaded with
  (a save refused because another scorer changed the cell meanwhile is expected, and counted apart);
- the assessment office publishing March once, through its confirmation page;
- `--voter-users` phones voting with every code once, from the start of the run (a town in a minute).

The simulated people arrive `--spawn-rate` a second (10: the whole town within about 35 s), each
starting with a page; 50 a second brings all 300 cadres' first pages within 7 s, a burst that two
CPUs take seconds to clear (docs/performance.md gives both).

Then it prints, per request name, the requests, p50/p95/p99 and errors, and checks the targets:
no error (any answer but the expected one), p95 under 300 ms for every page (GET), every score save
answered as saved holding its value in the database, every ballot answered as accepted counted in the
round's turnout (a public selector), March published, the audit chain verified. It exits non-zero
when a target is not met. `make loadtest` runs it on a throw-away SQLite data directory and a throw-away
PostgreSQL database (docs/performance.md). It refuses a database that is not empty.
"""

import csv
import json
import os
import random
import resource
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.evaluation import selectors as evaluation
from kaoping.evaluation.management.commands import benchballots
from kaoping.evaluation.models import Grade, Round
from kaoping.indicators.models import Indicator, RuleKind
from kaoping.people.models import Cadre, Population, Town
from kaoping.scoring import services as scoring
from kaoping.scoring.models import Period, PeriodStatus, ScoreEntry, ScoreSheet
from kaoping.site.management.commands import bench
from kaoping.site.management.commands.benchload import CodeServer, _get, run_locust, session_key

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest_locustfile.py"
TARGET_P95_MS = 300
YEAR = bench.YEAR
PUBLISH = date(YEAR, 3, 1)  # closed, published by the office during the run
OPEN = date(YEAR, 4, 1)  # open, scored during the run
BROWSED = f"{YEAR}-02"  # published: what the cadres read
HOT_CELLS = 60  # cells of a sheet the scorers share, so that some saves meet a change made meanwhile


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children (locust, once it is done)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Command(BaseCommand):
    help = (
        "A town's cadres, scorers, office and voters at once against `kaoping serve`; p95 and no lost write."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cadres", type=int, default=300, help="cadres of the town (default 300)")
        parser.add_argument("--items", type=int, default=50, help="indicators a scheme (default 50)")
        parser.add_argument("--run-time", type=int, default=150, help="seconds (default 150)")
        parser.add_argument("--cadre-users", type=int, default=300, help="cadres browsing (default 300)")
        parser.add_argument("--scorer-users", type=int, default=6, help="scorers saving (default 6)")
        parser.add_argument("--voter-users", type=int, default=40, help="phones voting at once (default 40)")
        parser.add_argument(
            "--codes", type=int, default=300, help="voting codes, one ballot each (default 300)"
        )
        parser.add_argument("--office-delay", type=int, default=None, help="seconds before publishing")
        parser.add_argument(
            "--spawn-rate",
            type=float,
            default=10,
            help="users started a second (10: the town's 300 cadres arrive within half a minute)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn workers (default 2 on SQLite, 4 on PostgreSQL)",
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
        parser.add_argument(
            "--think", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"),
            help="seconds a cadre reads a page (default 5 15)",
        )  # fmt: skip

    def handle(self, *args: str, **opts: Any) -> None:
        if min(opts["cadre_users"], opts["scorer_users"], opts["voter_users"], opts["codes"]) < 1:
            raise CommandError("Every kind of user needs at least one (and the round one code).")
        started = time.perf_counter()
        builder = bench.Command(stdout=self.stdout, stderr=self.stderr)
        if builder._check_database(keep=False):
            raise CommandError("The load test runs only on an empty database.")
        builder._build(bench.Size(1, opts["cadres"], 3, opts["items"]))
        town = Town.objects.get(slug__startswith=bench.PREFIX)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            plan = self._scene(town, opts)
            (work / "plan.json").write_text(json.dumps(plan))
            records = work / "records.jsonl"
            records.touch()
            workers = opts["workers"] or (4 if connection.vendor == "postgresql" else 2)
            self.stdout.write(
                f"Scene set in {time.perf_counter() - started:.0f} s. {connection.vendor}, gunicorn "
                f"{workers} workers × {opts['threads']} threads; locust {opts['cadre_users']} cadres, "
                f"{opts['scorer_users']} scorers, 1 office, {opts['voter_users']} phones for "
                f"{opts['codes']} codes, {opts['run_time']} s; {os.cpu_count()} CPUs, load "
                f"{os.getloadavg()[0]:.1f}"
            )
            connections.close_all()
            server = CodeServer(workers, opts["threads"], None)
            server.port = opts["port"] or server.port
            with server:
                self._warm_up(server.port, plan, workers * opts["threads"])
                users = opts["cadre_users"] + opts["scorer_users"] + 1 + opts["voter_users"]
                env = {"LOADTEST_PLAN": str(work / "plan.json"), "LOADTEST_RECORDS": str(records)}
                load_before = os.getloadavg()[0]
                server_cpu, client_cpu = server.cpu_seconds(), _children_cpu()
                stats = run_locust(
                    LOCUSTFILE, server.port, users, opts["spawn_rate"], opts["run_time"], env, work / "run"
                )
                load = max(load_before, os.getloadavg()[0])
                cpu = (server.cpu_seconds() - server_cpu, _children_cpu() - client_cpu)
            lines = [json.loads(line) for line in records.read_text().splitlines() if line]
            failures = work / "run_failures.csv"
            with failures.open() as f:
                failed = [f"{r['Occurrences']}× {r['Name']}: {r['Error']}"[:200] for r in csv.DictReader(f)]
        checks = self._checks(plan, lines, stats)
        cpu_line = (
            f"CPU used in the {opts['run_time']} s: server {cpu[0]:.0f} s, client (locust) {cpu[1]:.0f} s "
            "(a client near one CPU-second a second is itself the limit)"
        )
        self._report(stats, checks, load, failed, cpu_line)
        if any(not ok for _label, ok, _detail in checks):
            raise CommandError("Some targets are not met (above).")

    # -- The scene

    def _scene(self, town: Town, opts: dict[str, Any]) -> dict[str, Any]:
        rng = random.Random(bench.SEED)  # noqa: S311 - a simulation, not a secret
        office = User.objects.get(roles__town=town, roles__role=Role.ASSESSMENT_OFFICE)
        Period.objects.filter(town=town, month=PUBLISH).update(
            status=PeriodStatus.CLOSED, published_at=None, audit_anchor=""
        )
        period = scoring.period_open(actor=office, town=town, month=OPEN)
        month = f"{OPEN:%Y-%m}"

        cadres = list(Cadre.objects.filter(town=town).order_by("pk"))
        unusable = make_password(None)
        User.objects.bulk_create(
            User(username=f"{bench.PREFIX}cadre-{c.pk}", password=unusable, display_name=c.name, cadre=c)
            for c in cadres
        )
        cadre_users = User.objects.filter(cadre__town=town).order_by("cadre_id")
        plan_cadres = [
            {
                "session": session_key(u),
                "breakdown": reverse("scoring:breakdown", args=[town.slug, BROWSED, u.cadre_id]),
                "ranking": reverse("scoring:ranking", args=[town.slug, BROWSED])
                + f"?population={u.cadre.population}",
            }
            for u in cadre_users.select_related("cadre")
        ]

        sheets = list(ScoreSheet.objects.filter(period=period).select_related("scheme").order_by("pk"))
        scorers = []
        for n in range(opts["scorer_users"]):
            sheet = sheets[n % len(sheets)]
            user = User.objects.create_user(username=f"{bench.PREFIX}scorer-{n + 1}", password=None)
            RoleAssignment.objects.create(
                user=user, role=Role.SCORER, town=town, population=sheet.scheme.population
            )
            scorers.append({"session": session_key(user), "sheets": [self._sheet(town, month, sheet, rng)]})

        leaders = [c for c in cadres if c.population == Population.LEADERSHIP]
        targets = leaders + [c for c in cadres if c.population == Population.AGENCY][: 30 - len(leaders)]
        rnd, tasks = benchballots.Command()._open_round(town, targets, opts["codes"])
        codes = [t.code for t in tasks]
        rng.shuffle(codes)
        return {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "town_home": reverse("town_home", args=[town.slug]),
            "bulletins": reverse("supervision:bulletin_archive", args=[town.slug]),
            "cadres": plan_cadres,
            "cadre_think": opts["think"],
            "scorers": scorers,
            "scorer_users": opts["scorer_users"],
            "scorer_think": [5, 15],
            "scorer_typing": [1, 4],
            "office": {
                "session": session_key(office),
                "delay": opts["office_delay"] if opts["office_delay"] is not None else opts["run_time"] // 3,
                "month": reverse("scoring:period_detail", args=[town.slug, f"{PUBLISH:%Y-%m}"]),
                "confirm": reverse(
                    "scoring:period_confirm", args=[town.slug, f"{PUBLISH:%Y-%m}", PeriodStatus.PUBLISHED]
                ),
                "move": reverse("scoring:period_move", args=[town.slug, f"{PUBLISH:%Y-%m}"]),
            },
            "voter_users": opts["voter_users"],
            "voter_pause": [1, 3],
            "voter_filling": [2, 5],
            "grades": [g.value for g in Grade],
            "codes": codes,
            "round": rnd.pk,
            "town": town.pk,
        }

    def _sheet(self, town: Town, month: str, sheet: ScoreSheet, rng: random.Random) -> dict[str, Any]:
        """The sheet's addresses and the manual cells its scorers change, with each one's maximum."""
        manual = list(Indicator.objects.filter(scheme=sheet.scheme, rule_kind=RuleKind.MANUAL).order_by("pk"))
        members = list(
            Cadre.objects.filter(town=town, population=sheet.scheme.population).values_list("pk", flat=True)
        )
        pool = [(c, i.pk, float(i.max_score)) for c in members for i in manual]
        return {
            "id": sheet.pk,
            "grid": reverse("scoring:sheet_grid", args=[town.slug, month, sheet.pk]),
            "save": reverse("scoring:sheet_save", args=[town.slug, month, sheet.pk]),
            "cells": rng.sample(pool, k=min(HOT_CELLS, len(pool))),
        }

    def _warm_up(self, port: int, plan: dict[str, Any], times: int) -> None:
        """Every page once must answer 200; then each again so that every worker has rendered it."""
        cookie = settings.SESSION_COOKIE_NAME
        cadre, scorer, office = plan["cadres"][0], plan["scorers"][0], plan["office"]
        pages = [
            (plan["town_home"], cadre["session"]),
            (cadre["breakdown"], cadre["session"]),
            (cadre["ranking"], cadre["session"]),
            (plan["bulletins"], cadre["session"]),
            (scorer["sheets"][0]["grid"], scorer["session"]),
            (office["month"], office["session"]),
            (office["confirm"], office["session"]),
            ("/ballot/", ""),
        ]
        for path, session in pages:
            status = _get(port, path, f"{cookie}={session}" if session else "")
            if status != 200:
                raise CommandError(f"{path} answered {status}, not 200")
        for _n in range(times):
            for path, session in pages[:4]:
                _get(port, path, f"{cookie}={session}")

    # -- The checks

    def _checks(
        self, plan: dict[str, Any], lines: list[dict[str, Any]], stats: dict[str, dict[str, float]]
    ) -> list[tuple[str, bool, str]]:
        checks = []
        total = stats.get("Aggregated", {"requests": 0.0, "errors": 0.0})
        checks.append(
            ("no error", total["errors"] == 0 and total["requests"] > 0, f"{total['errors']:.0f} errors")
        )
        slow = [
            f"{name} {row['p95']:.0f} ms"
            for name, row in stats.items()
            if row["method"] == "GET" and row["p95"] >= TARGET_P95_MS
        ]
        checks.append(
            (f"p95 under {TARGET_P95_MS} ms, every page", not slow, ", ".join(slow) or "every page")
        )
        checks.append(("no lost score", *self._scores_kept(lines)))
        checks.append(("no lost ballot", *self._ballots_counted(plan, lines)))
        published = Period.objects.get(town_id=plan["town"], month=PUBLISH).status == PeriodStatus.PUBLISHED
        answered = [r["status"] for r in lines if r["kind"] == "publish"]
        sent = any(r["kind"] == "publish-sent" for r in lines)
        checks.append(
            (
                "the month published",
                published and answered == [302],
                f"{'sent' if sent else 'never sent'}, answered {answered or 'never'}, "
                f"{'published' if published else 'not published'}",
            )
        )
        checks.append(("audit chain verified", *self._audit()))
        return checks

    def _scores_kept(self, lines: list[dict[str, Any]]) -> tuple[bool, str]:
        """Every cell of a save answered as saved holds its value, or the value of a later save of the
        cell: one based on a later version of it (a cell's saves are serialised by its version), or one
        sent and never answered because the run ended (the server may have written it)."""
        last: dict[tuple[int, int, int], tuple[int, str]] = {}
        clashes = 0
        saves = [r for r in lines if r["kind"] == "save"]
        for save in saves:
            for cell in save["cells"]:
                key = (save["sheet"], cell["cadre"], cell["indicator"])
                if key in last and last[key][0] == cell["base"] and last[key][1] != cell["value"]:
                    clashes += 1  # two saves of one base with different values, both answered as saved
                if key not in last or cell["base"] >= last[key][0]:
                    last[key] = (cell["base"], cell["value"])
        answered = {r["id"] for r in lines if r["kind"] in {"save", "conflict", "save-failed"}}
        unanswered: dict[tuple[int, int, int], set[Decimal]] = {}
        for sent in (r for r in lines if r["kind"] == "save-sent" and r["id"] not in answered):
            for cell in sent["cells"]:
                key = (sent["sheet"], cell["cadre"], cell["indicator"])
                if key in last and cell["base"] >= last[key][0]:
                    unanswered.setdefault(key, set()).add(Decimal(cell["value"]))
        stored = {
            (e.sheet_id, e.cadre_id, e.indicator_id): e.value
            for e in ScoreEntry.objects.filter(sheet_id__in={k[0] for k in last})
        }
        lost = [
            k
            for k, (_base, value) in last.items()
            if stored.get(k) != Decimal(value) and stored.get(k) not in unanswered.get(k, set())
        ]
        conflicts = sum(1 for r in lines if r["kind"] == "conflict")
        return (
            not lost and not clashes and bool(saves),
            f"{len(saves)} saves answered as saved ({len(last)} cells): {len(lost)} not in the database, "
            f"{clashes} overwritten unseen; {conflicts} refused as conflicts (expected)",
        )

    def _ballots_counted(self, plan: dict[str, Any], lines: list[dict[str, Any]]) -> tuple[bool, str]:
        """Every ballot answered as accepted is counted in the round; the round counts no more ballots
        than were sent (those sent as the run ended may be counted without their answer)."""
        accepted = [r for r in lines if r["kind"] == "ballot"]
        sent = {r["code_index"] for r in lines if r["kind"] == "ballot-sent"}
        twice = len(accepted) - len({r["code_index"] for r in accepted})
        rnd = Round.objects.get(pk=plan["round"])
        turnout = evaluation.turnout(rnd)
        stored, used = sum(t.ballots for t in turnout), sum(t.used for t in turnout)
        span = max(r["at"] for r in accepted) - min(r["at"] for r in accepted) if accepted else 0.0
        ok = bool(accepted) and not twice and len(accepted) <= stored == used <= max(len(sent), len(accepted))
        return (
            ok,
            f"{len(accepted)} of {len(plan['codes'])} ballots accepted in {span:.0f} s "
            f"({len(sent) - len(accepted)} more sent without an accepted answer); the round counts {stored} "
            f"ballots, {used} codes used",
        )

    def _audit(self) -> tuple[bool, str]:
        try:
            call_command("verifyaudit", stdout=open(os.devnull, "w"))  # noqa: SIM115
        except (CommandError, SystemExit) as exc:
            return False, str(exc)[:200]
        return True, "verifyaudit"

    # -- The report

    def _report(
        self,
        stats: dict[str, dict[str, float]],
        checks: list[tuple[str, bool, str]],
        load: float,
        failed: list[str],
        cpu_line: str = "",
    ) -> None:
        out = self.stdout.write
        out(
            f"\n{'request':<34} {'method':<6} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'errors':>6}"
        )
        for name in sorted(stats, key=lambda n: (n == "Aggregated", n)):
            row = stats[name]
            out(
                f"{name:<34} {row['method']:<6} {row['requests']:>8.0f} {row['rps']:>7.1f} "
                f"{row['p50']:>7.0f} {row['p95']:>7.0f} {row['p99']:>7.0f} {row['errors']:>6.0f}"
            )
        for failure in failed:
            out(f"  error: {failure}")
        out(f"load average (1 min, the higher of before and after): {load:.1f} on {os.cpu_count()} CPUs")
        out(cpu_line)
        out(f"\n{'target':<34} verdict  measured ({timezone.now():%Y-%m-%d %H:%M} UTC)")
        for label, ok, detail in checks:
            out(f"{label:<34} {'PASS' if ok else 'FAIL':<8} {detail}")

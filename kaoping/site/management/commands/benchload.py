"""`kaoping benchload`: the published month's pages under concurrent load, beside a bare view.

On an empty database it builds the bench city with `kaoping bench`'s builder (`--towns` towns of
`--cadres-per-town` cadres, `--months` published months; `--keep` reuses one built before), starts
the production server (`kaoping serve`, gunicorn, `--workers` × `--threads`) on a free loopback port
as a child process, logs in as the first town's assessment office (a session made in the database,
its cookie sent with every request), and loads one page at a time for `--run-time` seconds with
`--users` connections at once, each asking again as soon as it has its answer. The load comes from wrk
(2 threads; a small C program, which leaves the server the CPU that a Python load generator on the
same machine would take from it) where it is installed (`make bench-load` installs it), else from
locust (`--tool locust`, FastHttpUser):

- the last (published) month's ranking of the town's largest population;
- that month's breakdown page of the population's first-ranked cadre;
- `/healthz` with the same session (reads the session and the user, as every page does) and without
  one: a bare Django view, the ceiling the server itself sets.

It prints, per page, requests a second, the median, 95th and 99th percentile of the answer time and
the errors (any answer other than 200, or a connection that failed), with the load average. Each page
is fetched once before its run and must answer 200. The server is stopped at the end whatever happens;
`make bench-load` runs it on a throw-away SQLite directory and a throw-away PostgreSQL database
(docs/performance.md).
`--code DIR` serves the code of another checkout (e.g. `git worktree add /tmp/before main`) against
the same database, to measure before and after a change.
"""

import csv
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse
from django.utils.module_loading import import_string

from kaoping.accounts.models import Role, User
from kaoping.accounts.sessions import SEEN_KEY
from kaoping.core import serving
from kaoping.evaluation.management.commands.benchballots import HOST, Server
from kaoping.people.models import Cadre, Population, Town
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.site.management.commands import bench

LOCUSTFILE = """
import os
from locust import FastHttpUser, constant, task

COOKIE = os.environ["BENCH_COOKIE"]
PATH = os.environ["BENCH_PATH"]


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(PATH, headers=headers, name="page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
"""

TARGET_RPS = 200
TARGET_P99_MS = 300


class CodeServer(Server):
    """`kaoping serve` as benchballots starts it, optionally from another checkout's code."""

    def __init__(self, workers: int, threads: int, code: str | None):
        super().__init__(workers, threads)
        self.code = code

    def __enter__(self) -> "CodeServer":
        if not self.code:
            super().__enter__()
            return self
        real_popen = subprocess.Popen
        code = self.code

        def popen(command: list[str], **kwargs: Any) -> subprocess.Popen:
            env = {**os.environ, "PYTHONPATH": code}
            return real_popen(command, cwd=code, env=env, **kwargs)

        subprocess.Popen = popen  # type: ignore[assignment,misc]
        try:
            super().__enter__()
        finally:
            subprocess.Popen = real_popen  # type: ignore[misc]
        return self


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def run_locust(
    locustfile: Path,
    port: int,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict[str, str],
    prefix: Path,
) -> dict[str, dict[str, float]]:
    """One headless locust run of `locustfile` against the server on `port`; per request name (and
    "Aggregated"), its figures from locust's CSV summary."""
    command = [
        sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
        "--stop-timeout", "5", "--host", f"http://{HOST}:{port}", "--csv", str(prefix),
        "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=seconds + 120
    )
    stats = prefix.with_name(f"{prefix.name}_stats.csv")
    if not stats.exists():
        raise CommandError(f"locust did not run:\n{done.stderr[-2000:]}")
    with stats.open() as f:
        return {
            row["Name"]: {
                "method": row["Type"],
                "requests": float(row["Request Count"]),
                "errors": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
            for row in csv.DictReader(f)
        }


def _locust(port: int, path: str, cookie: str, users: int, seconds: int, work: Path) -> dict[str, float]:
    """One headless locust run on one page."""
    locustfile = work / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    env = {"BENCH_COOKIE": cookie, "BENCH_PATH": path}
    return run_locust(locustfile, port, users, users, seconds, env, work / "run")["page"]


# wrk's script: every answer other than 200 is an error (wrk itself counts only 4xx and 5xx); the
# figures on one line, the times in microseconds.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    failed + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(url: str, cookie: str, connections: int, seconds: int, work: Path) -> dict[str, float]:
    """One wrk run (2 threads, `connections` kept-alive connections) on `url`: its figures."""
    script = work / "bench.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise CommandError(f"wrk did not run:\n{done.stderr[-2000:]}{done.stdout[-2000:]}")
    requests, duration_us, errors, p50, p95, p99 = (int(x) for x in line.split()[1:])
    return {
        "requests": requests,
        "errors": errors,
        "rps": requests / (duration_us / 1e6) if duration_us else 0.0,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
    }


def session_key(user: User) -> str:
    """A logged-in session of `user` in the database, as the login page would leave it."""
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    store[SEEN_KEY] = int(time.time())
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    assert store.session_key
    return store.session_key


class Command(BaseCommand):
    help = (
        "The published month's ranking and breakdown pages under concurrent load (wrk or locust), "
        "beside /healthz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--towns", type=int, default=2, help="towns of the bench city to build (default 2)"
        )
        parser.add_argument("--cadres-per-town", type=int, default=300)
        parser.add_argument("--months", type=int, default=12, help="published months, from January")
        parser.add_argument("--items", type=int, default=50)
        parser.add_argument("--keep", action="store_true", help="load the bench city built before")
        parser.add_argument(
            "--users", type=int, default=20, help="connections (simulated users) at once (default 20)"
        )
        parser.add_argument(
            "--tool",
            choices=["wrk", "locust"],
            default="wrk" if shutil.which("wrk") else "locust",
            help="what loads the pages (default: wrk where it is installed, else locust)",
        )
        parser.add_argument("--run-time", type=int, default=20, help="seconds per page (default 20)")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn workers (default: as `kaoping serve`, KAOPING_WORKERS or 2)",
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="as `kaoping serve` (KAOPING_THREADS or 4)"
        )
        parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
        parser.add_argument("--code", default=None, help="serve the code of this checkout instead")

    def handle(self, *args: str, **opts: Any) -> None:
        size = bench.Size(opts["towns"], opts["cadres_per_town"], opts["months"], opts["items"])
        builder = bench.Command(stdout=self.stdout, stderr=self.stderr)
        if not builder._check_database(opts["keep"]):
            times = builder._build(size)
            self.stdout.write("built in " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
        town = Town.objects.filter(slug__startswith=bench.PREFIX).order_by("slug").first()
        period = Period.objects.filter(town=town, status=PeriodStatus.PUBLISHED).order_by("-month").first()
        if town is None or period is None:
            raise CommandError("The bench city has no published month: start again on an empty database.")
        population = max(Population, key=lambda p: Cadre.objects.filter(town=town, population=p).count())
        first = MonthlyResult.objects.filter(period=period, cadre__population=population).order_by("rank")[0]
        month = f"{period.month:%Y-%m}"
        office = User.objects.get(roles__town=town, roles__role=Role.ASSESSMENT_OFFICE)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key(office)}"
        pages = [
            (
                f"ranking {month} ({population})",
                reverse("scoring:ranking", args=[town.slug, month]) + f"?population={population}",
                cookie,
            ),
            ("breakdown", reverse("scoring:breakdown", args=[town.slug, month, first.cadre_id]), cookie),
            ("/healthz, logged in", "/healthz", cookie),
            ("/healthz, no session", "/healthz", ""),
        ]
        # As `kaoping serve` runs (issue 10 measured the pages against it), on either database.
        workers, threads = opts["workers"] or serving.workers(), opts["threads"] or serving.threads()
        self.stdout.write(
            f"\n{connection.vendor}, gunicorn {workers} workers × {threads} threads"
            f"{' serving ' + opts['code'] if opts['code'] else ''}; {self._load(opts)}, "
            f"{opts['run_time']} s a page, logged in as {office.username}; {os.cpu_count()} CPUs"
        )
        results = []
        server = CodeServer(workers, threads, opts["code"])
        server.port = opts["port"] or server.port
        with server, tempfile.TemporaryDirectory() as tmp:
            for label, path, page_cookie in pages:
                status = _get(server.port, path, page_cookie)  # and warms the workers' templates
                if status != 200:
                    raise CommandError(f"{path} answered {status}, not 200")
                for _n in range(workers * threads):
                    _get(server.port, path, page_cookie)
                before = os.getloadavg()[0]
                if opts["tool"] == "wrk":
                    url = f"http://{HOST}:{server.port}{path}"
                    figures = run_wrk(url, page_cookie, opts["users"], opts["run_time"], Path(tmp))
                else:
                    figures = _locust(
                        server.port, path, page_cookie, opts["users"], opts["run_time"], Path(tmp)
                    )
                figures["load"] = max(before, os.getloadavg()[0])
                results.append((label, path, figures))
        self._report(results)

    @staticmethod
    def _load(opts: dict[str, Any]) -> str:
        if opts["tool"] == "wrk":
            return f"wrk 2 threads × {opts['users']} connections"
        return f"locust {opts['users']} users"

    def _report(self, results: list[tuple[str, str, dict[str, float]]]) -> None:
        out = self.stdout.write
        out(
            f"\n{'page':<34} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'load':>5}  target (≥ {TARGET_RPS} req/s, p99 ≤ {TARGET_P99_MS} ms)"
        )
        for label, _path, f in results:
            verdict = ""
            if not label.startswith("/healthz"):
                met = f["rps"] >= TARGET_RPS and f["p99"] <= TARGET_P99_MS and not f["errors"]
                verdict = "met" if met else "NOT met"
            out(
                f"{label:<34} {f['requests']:>8.0f} {f['rps']:>8.1f} {f['p50']:>7.0f} {f['p95']:>7.0f} "
                f"{f['p99']:>7.0f} {f['errors']:>6.0f} {f['load']:>5.1f}  {verdict}"
            )
        for label, path, _f in results:
            out(f"  {label}: {path}")
        out("load: the 1-minute load average, the higher of before and after the run (2 CPUs shared).")

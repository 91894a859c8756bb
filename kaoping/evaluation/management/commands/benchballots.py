"""`kaoping benchballots`: a whole town votes in one meeting; how many ballots a second does the server take?

Into the configured database it writes a town `bench-ballots` with `--targets` cadres. For every
server shape given with `--server WORKERSxTHREADS` (default 2x4, as `kaoping serve` runs) it starts the
production server (`kaoping serve`, gunicorn) on a free loopback port as a child process, and then, `--runs`
times, opens a fresh round with `--codes` voting codes (spread over the four rater classes) and lets
`--clients` concurrent clients in this process vote with every code once, on keep-alive HTTP/1.1
connections, exactly as a browser does:

- `--journey full` (default): per voter, GET /ballot/ without cookies (a fresh phone: the answer sets
  the CSRF cookie and the form carries the token), POST the code (what the page's script does with
  /ballot/#CODE), then POST the filled ballot with `action=submit`;
- `--journey submit`: each client fetches the page once for its cookie and token, then only POSTs
  filled ballots, one per code: the submission alone.

A share `--doubles` of the codes is submitted a second time: half just after the first submission came
back (the voter pressing back and submitting again), half as two simultaneous voters racing with one
code. Every second submission must be refused (400) and every code accepted exactly once.

After each run it checks the ballot box with the project's own reconciliation (`kaoping checkballots`)
and against what the clients saw: ballots stored = codes used = submissions accepted, per class, before
and after the round is closed. It reports ballots per second (accepted ballots over the wall time from
the first request to the last answer), p50/p95 latency of a voter's journey and of the submission
request, errors, and the CPU used by the server's processes and by the client (the client runs in this
process; when its share nears one core, it is the bottleneck, not the server).

Bounded: at most `--codes` voters a run, `--time-limit` seconds a run, 30 s a request; loopback only; the
server is stopped at the end, whatever happens. It refuses a database holding any town whose short code
does not start with "bench-", so it cannot touch real data. `make bench-ballots` runs it on a throw-away
SQLite data directory and a throw-away PostgreSQL database; docs/performance-ballots.md has the figures.
"""

import http.client
import io
import os
import platform
import queue
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

from kaoping.evaluation import services
from kaoping.evaluation.models import DEFAULT_WEIGHTS, Grade, Round
from kaoping.people import idnumbers
from kaoping.people.models import AgencyCategory, Cadre, Department, Population, Posting, Town

PREFIX = "bench-"
TOWN_SLUG = "bench-ballots"
HOST = "127.0.0.1"
TARGET_RATE = 200  # ballots per second, from the issue
REQUEST_TIMEOUT = 30
IDLE_RECONNECT = 1.0  # gunicorn closes idle keep-alive connections after 2 s; never reuse one near that
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGET_FIELD = re.compile(rb'name="r-(\d+)"')
GRADES = [g.value for g in Grade]


# --- The client: one simulated browser per thread --------------------------------------------------


class Browser:
    """A keep-alive HTTP/1.1 connection with a cookie jar holding at most the CSRF cookie."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.csrf_cookie = ""
        self.requests = 0

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> tuple[int, bytes]:
        if self.conn is None or time.monotonic() - self.last_used > IDLE_RECONNECT:
            self.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            self.conn.connect()
            # http.client sends a POST's headers and body in two writes; without TCP_NODELAY (which
            # browsers set) Nagle's algorithm meets the server's delayed ACK and every POST waits ~40 ms.
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        headers = {
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "User-Agent": "kaoping-benchballots",
        }
        if self.csrf_cookie:
            headers["Cookie"] = f"csrftoken={self.csrf_cookie}"
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = f"{self.origin}/ballot/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except Exception:
            self.close()
            raise
        finally:
            self.requests += 1
            self.last_used = time.monotonic()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf_cookie = value.split(";", 1)[0].split("=", 1)[1]
        if response.will_close:
            self.close()
        return response.status, content

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _token(page: bytes) -> str:
    found = TOKEN.search(page)
    if found is None:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1).decode()


@dataclass(frozen=True)
class Task:
    code: str
    kind: str  # the rater class, to reconcile per class
    second: bool = False  # one of two submissions racing with one code: it may be the one refused
    again_after: bool = False  # submit this code again once its first submission is answered


@dataclass
class Outcome:
    """What the clients saw in one run."""

    accepted: Counter = field(default_factory=Counter)  # code -> accepted submissions
    accepted_by_kind: Counter = field(default_factory=Counter)
    refused_seconds: int = 0  # second submissions refused, as they must be
    refused_firsts: list[str] = field(default_factory=list)  # first submissions refused: lost ballots
    errors: Counter = field(default_factory=Counter)
    journeys: list[float] = field(default_factory=list)  # seconds, a voter's whole journey
    submits: list[float] = field(default_factory=list)  # seconds, the submit request alone
    requests: int = 0
    not_run: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ballot_form(code: str, token: str, targets: list[str], rng: random.Random) -> list[tuple[str, str]]:
    # Fields in document order, the submit button last, as a browser sends them.
    form = [("csrfmiddlewaretoken", token), ("code", code)]
    form += [(f"r-{t}", rng.choice(GRADES)) for t in targets]
    return [*form, ("action", "submit")]


def _vote(browser: Browser, task: Task, journey: str, targets: list[str], rng: random.Random, out: Outcome):
    """One voter: returns (accepted?, journey seconds, submit seconds, submitted form or None)."""
    started = time.perf_counter()
    if journey == "full":
        browser.csrf_cookie = ""  # a phone that never saw the site
        status, page = browser.request("GET", "/ballot/")
        if status != 200:
            raise RuntimeError(f"GET /ballot/ answered {status}")
        status, page = browser.request(
            "POST", "/ballot/", [("csrfmiddlewaretoken", _token(page)), ("code", task.code)]
        )
        if status == 400:  # the code was refused on opening (a racing twin already voted)
            return False, time.perf_counter() - started, None, None
        if status != 200:
            raise RuntimeError(f"opening a ballot answered {status}")
        token = _token(page)
        targets = [t.decode() for t in dict.fromkeys(TARGET_FIELD.findall(page))]
    else:
        token = browser.token  # type: ignore[attr-defined]
    form = _ballot_form(task.code, token, targets, rng)
    sent = time.perf_counter()
    status, page = browser.request("POST", "/ballot/", form)
    done = time.perf_counter()
    if status == 200 and b'name="code"' not in page:
        return True, done - started, done - sent, form
    if status == 400:
        return False, done - started, done - sent, form
    raise RuntimeError(f"submitting a ballot answered {status}")


def _client(port: int, work: queue.Queue, journey: str, targets: list[str], seed: int, deadline: float, out):
    rng = random.Random(seed)
    browser = Browser(port)
    try:
        if journey == "submit":
            status, page = browser.request("GET", "/ballot/")
            browser.token = _token(page)  # type: ignore[attr-defined]
        while True:
            task = work.get()
            if task is None:
                return
            if time.monotonic() > deadline:
                with out.lock:
                    out.not_run += 1
                continue
            try:
                accepted, journey_s, submit_s, form = _vote(browser, task, journey, targets, rng, out)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                with out.lock:
                    out.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                continue
            with out.lock:
                out.journeys.append(journey_s)
                if submit_s is not None:
                    out.submits.append(submit_s)
                if accepted:
                    out.accepted[task.code] += 1
                    out.accepted_by_kind[task.kind] += 1
                elif task.second:
                    out.refused_seconds += 1
                else:
                    out.refused_firsts.append(task.code)
            if task.again_after and form is not None:
                # Back button, submit again: the same form, the same cookie, at once.
                try:
                    status, page = browser.request("POST", "/ballot/", form)
                except Exception as exc:  # noqa: BLE001
                    with out.lock:
                        out.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                    continue
                with out.lock:
                    if status == 200 and b'name="code"' not in page:
                        out.accepted[task.code] += 1
                        out.accepted_by_kind[task.kind] += 1
                    elif status == 400:
                        out.refused_seconds += 1
                    else:
                        out.errors[f"second submission answered {status}"] += 1
    finally:
        with out.lock:
            out.requests += browser.requests
        browser.close()


# --- The server --------------------------------------------------------------------------------------


def _free_port() -> int:
    if port := os.environ.get("KAOPING_BENCH_PORT"):  # a port of one's own on a shared machine
        return int(port)
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`kaoping serve` on a loopback port, as a child process; stopped on exit."""

    def __init__(self, workers: int, threads: int):
        self.workers, self.threads = workers, threads
        self.port = _free_port()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "kaoping", "serve", "--bind", f"{HOST}:{self.port}"]
        command += ["--workers", str(self.workers), "--threads", str(self.threads)]
        # The access log (request lines only, never a code) goes nowhere: it is not what is measured.
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = f"the server stopped at start:\n{self._stderr()}"
                self.stderr.close()
                raise CommandError(message)
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.2)
        message = f"the server did not answer within 30 s:\n{self._stderr()}"
        self.__exit__(None, None, None)
        raise CommandError(message)

    def __exit__(self, *exc) -> None:
        try:
            self._stop()
        finally:
            self.stderr.close()

    def _stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's master: it stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-2000:]

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers, from /proc (Linux)."""
        assert self.process is not None
        pids = [self.process.pid]
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            return float("nan")
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total / ticks


# --- The command -------------------------------------------------------------------------------------


@dataclass
class RunResult:
    shape: str
    rate: float
    wall: float
    accepted: int
    refused_seconds: int
    seconds_sent: int
    errors: int
    journey_p50: float
    journey_p95: float
    submit_p50: float
    submit_p95: float
    requests: int
    server_cores: float
    client_cores: float
    close_seconds: float
    problems: list[str]


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _shape(text: str) -> tuple[int, int]:
    try:
        workers, threads = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise CommandError(f"--server wants WORKERSxTHREADS, e.g. 2x4, not {text!r}") from None
    if not (1 <= workers <= 32 and 1 <= threads <= 64):
        raise CommandError("--server: 1 to 32 workers of 1 to 64 threads")
    return workers, threads


class Command(BaseCommand):
    help = "Measure ballot submissions per second against the production server, on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--codes", type=int, default=2000, help="voters (codes) per run (default 2000)")
        parser.add_argument("--targets", type=int, default=30, help="cadres on the ballot (default 30)")
        parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
        parser.add_argument("--runs", type=int, default=3, help="runs per server shape (default 3)")
        parser.add_argument(
            "--server",
            action="append",
            dest="servers",
            metavar="WxT",
            help="gunicorn workers x threads; repeat to compare (default 2x4, as `kaoping serve`)",
        )
        parser.add_argument("--journey", choices=["full", "submit"], default="full")
        parser.add_argument(
            "--doubles", type=float, default=0.05, help="share of codes submitted twice (default 0.05)"
        )
        parser.add_argument("--time-limit", type=float, default=120, help="seconds a run may take at most")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the database and the options, then stop"
        )

    def handle(self, *args, **opts) -> None:
        codes, targets, clients, runs = opts["codes"], opts["targets"], opts["clients"], opts["runs"]
        shapes = [_shape(s) for s in opts["servers"] or ["2x4"]]
        if not (4 <= codes <= 4 * services.MAX_CODES_PER_CLASS):
            raise CommandError(f"--codes: 4 to {4 * services.MAX_CODES_PER_CLASS}")
        if not (1 <= targets <= 200 and 1 <= clients <= 256 and 1 <= runs <= 9):
            raise CommandError("--targets 1-200, --clients 1-256, --runs 1-9")
        if not (0 <= opts["doubles"] <= 0.5):
            raise CommandError("--doubles: 0 to 0.5")
        self._check_database()
        self._describe(opts, shapes)
        if opts["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        town, cadres = self._town(targets)
        results: list[RunResult] = []
        for workers, threads in shapes:
            connections.close_all()  # nothing of this process stays open on the database
            with Server(workers, threads) as server:
                self._warm_up(server.port)
                for run in range(1, runs + 1):
                    result = self._run(server, town, cadres, opts, run)
                    results.append(result)
                    self._print_run(run, result)
        self._summary(results, shapes)
        if any(r.problems for r in results):
            raise CommandError("the ballot box did not reconcile or requests failed; see above")

    # -- Preparation

    def _check_database(self) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database is not migrated: run `kaoping migrate` first")
        foreign = Town.objects.exclude(slug__startswith=PREFIX).values_list("slug", flat=True)[:3]
        if foreign:
            raise CommandError(
                f"refused: this database holds towns that are not benchmark data ({', '.join(foreign)}); "
                "run it on a scratch database (make bench-ballots makes one)"
            )

    def _describe(self, opts, shapes) -> None:
        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
        except (OSError, StopIteration):
            pass
        settings_dict = connection.settings_dict
        self.stdout.write(
            f"database: {connection.vendor} {settings_dict['NAME']}  ·  {cpu}, {os.cpu_count()} CPUs  ·  "
            f"Python {platform.python_version()}"
        )
        self.stdout.write(
            f"{opts['codes']} voters a run, {opts['targets']} cadres a ballot, {opts['clients']} clients, "
            f"journey {opts['journey']}, {opts['doubles']:.0%} codes submitted twice, {opts['runs']} runs "
            f"on each of {', '.join(f'{w}x{t}' for w, t in shapes)} (gunicorn workers x threads)"
        )

    def _town(self, targets: int) -> tuple[Town, list[Cadre]]:
        town, _created = Town.objects.get_or_create(
            slug=TOWN_SLUG, defaults={"name": "投票基准镇", "city": "基准市"}
        )
        department, _created = Department.objects.get_or_create(town=town, name="党政办公室")
        cadres = list(Cadre.objects.filter(town=town).order_by("pk"))
        missing = targets - len(cadres)
        if missing > 0:
            new = []
            for serial in range(len(cadres), targets):
                first17 = f"37108319{70 + serial % 30}0101{serial:03d}"
                new.append(
                    Cadre(
                        town=town,
                        name=f"干部{serial + 1:03d}",
                        id_number=first17 + idnumbers.check_char(first17),
                        population=Population.LEADERSHIP if serial < 3 else Population.AGENCY,
                        agency_category="" if serial < 3 else AgencyCategory.ESTABLISHED,
                        department=None if serial < 3 else department,
                        position="科员",
                    )
                )
            Cadre.objects.bulk_create(new)
            Posting.objects.bulk_create(Posting.opening(c, date(2020, 1, 1)) for c in new)
            cadres = list(Cadre.objects.filter(town=town).order_by("pk"))
        return town, cadres[:targets]

    def _open_round(self, town: Town, cadres: list[Cadre], codes: int) -> tuple[Round, list[Task]]:
        n = Round.objects.filter(town=town).count()  # a new quarter for every run
        kinds = list(DEFAULT_WEIGHTS)
        per_kind = [codes // len(kinds) + (i < codes % len(kinds)) for i in range(len(kinds))]
        rnd = services.round_create(
            actor=None,
            town=town,
            year=2100 + n // 4,
            quarter=n % 4 + 1,
            title=f"benchmark round {n + 1}",
            held_on=date(2100 + n // 4, 3 * (n % 4) + 3, 28),
            cadres=cadres,
            classes=[
                services.ClassSpec(k, DEFAULT_WEIGHTS[k], c) for k, c in zip(kinds, per_kind, strict=True)
            ],
        )
        made = services.codes_generate(actor=None, round=rnd)
        self._shares = services.round_open(actor=None, round=rnd)
        tasks = [Task(code, rater_class.kind) for rater_class, clear in made.items() for code in clear]
        return rnd, tasks

    def _warm_up(self, port: int) -> None:
        # Every worker imports and renders once before the clock runs.
        browser = Browser(port)
        for _i in range(20):
            browser.csrf_cookie = ""
            browser.request("GET", "/ballot/")
        browser.close()

    # -- One run

    def _run(self, server: Server, town: Town, cadres: list[Cadre], opts, run: int) -> RunResult:
        rnd, tasks = self._open_round(town, cadres, opts["codes"])
        rng = random.Random(run)
        rng.shuffle(tasks)
        doubles = rng.sample(range(len(tasks)), round(opts["doubles"] * len(tasks)))
        again, race = set(doubles[::2]), set(doubles[1::2])
        work: queue.Queue = queue.Queue()
        seconds_sent = 0
        for i, task in enumerate(tasks):
            if i in again:
                work.put(Task(task.code, task.kind, again_after=True))
                seconds_sent += 1
            elif i in race:
                # Two voters with one code, taken by two clients at the same moment: one must lose.
                work.put(Task(task.code, task.kind, second=True))
                work.put(Task(task.code, task.kind, second=True))
                seconds_sent += 1
            else:
                work.put(task)
        for _i in range(opts["clients"]):
            work.put(None)
        targets = [str(c.pk) for c in cadres]
        out = Outcome()
        connections.close_all()
        deadline = time.monotonic() + opts["time_limit"]
        threads = [
            threading.Thread(
                target=_client,
                args=(server.port, work, opts["journey"], targets, run * 1000 + i, deadline, out),
                daemon=True,
            )
            for i in range(opts["clients"])
        ]
        server_cpu, client_cpu, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(opts["time_limit"] + REQUEST_TIMEOUT + 5)
        wall = time.perf_counter() - started
        server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
        problems = self._verify(rnd, tasks, out)
        close_started = time.perf_counter()
        services.round_close(actor=None, round=rnd, shares=self._shares[: rnd.key_threshold], confirmed=True)
        close_seconds = time.perf_counter() - close_started
        problems += self._check_ballots(rnd, "after closing")
        accepted = sum(out.accepted.values())
        return RunResult(
            shape=f"{server.workers}x{server.threads}",
            rate=accepted / wall,
            wall=wall,
            accepted=accepted,
            refused_seconds=out.refused_seconds,
            seconds_sent=seconds_sent,
            errors=sum(out.errors.values()),
            journey_p50=_percentile(out.journeys, 0.5),
            journey_p95=_percentile(out.journeys, 0.95),
            submit_p50=_percentile(out.submits, 0.5),
            submit_p95=_percentile(out.submits, 0.95),
            requests=out.requests,
            server_cores=server_cpu / wall,
            client_cores=client_cpu / wall,
            close_seconds=close_seconds,
            problems=problems,
        )

    def _verify(self, rnd: Round, tasks: list[Task], out: Outcome) -> list[str]:
        problems = [f"{n} × {error}" for error, n in out.errors.most_common(5)]
        if out.not_run:
            problems.append(f"{out.not_run} voters not run within the time limit")
        twice = [code for code, n in out.accepted.items() if n > 1]
        if twice:
            problems.append(f"{len(twice)} codes accepted more than once")
        never = len({t.code for t in tasks} - set(out.accepted))
        if never:
            problems.append(f"{never} codes never accepted ({len(out.refused_firsts)} refused at first)")
        from kaoping.evaluation.selectors import turnout

        for row in turnout(rnd):
            seen = out.accepted_by_kind[row.rater_class.kind]
            if not (row.ballots == row.used == seen):
                problems.append(
                    f"{row.rater_class.kind}: {row.ballots} ballots stored, {row.used} codes used, "
                    f"{seen} submissions accepted"
                )
        return problems + self._check_ballots(rnd, "while open")

    def _check_ballots(self, rnd: Round, when: str) -> list[str]:
        """The operators' own check, `kaoping checkballots <round>`."""
        report = io.StringIO()
        try:
            call_command("checkballots", str(rnd.pk), stdout=report, stderr=report)
        except CommandError as exc:
            return [f"checkballots {when}: {exc}", report.getvalue().strip()]
        return []

    # -- Reporting

    def _print_run(self, run: int, r: RunResult) -> None:
        self.stdout.write(
            f"  {r.shape} run {run}: {r.accepted} ballots in {r.wall:.2f} s = {r.rate:6.1f} ballots/s · "
            f"journey p50 {r.journey_p50 * 1000:.0f} ms p95 {r.journey_p95 * 1000:.0f} ms · "
            f"submit p50 {r.submit_p50 * 1000:.0f} ms p95 {r.submit_p95 * 1000:.0f} ms · "
            f"{r.requests / r.wall:.0f} requests/s · second submissions refused "
            f"{r.refused_seconds}/{r.seconds_sent} · errors {r.errors} · CPU server {r.server_cores:.2f} "
            f"client {r.client_cores:.2f} cores · close {r.close_seconds:.2f} s"
        )
        for problem in r.problems:
            self.stderr.write(f"    PROBLEM: {problem}")
        if not r.problems:
            self.stdout.write(
                "    checkballots: ballots stored = codes used = accepted, per class, open and closed"
            )

    def _summary(self, results: list[RunResult], shapes) -> None:
        self.stdout.write("\nmedian of the runs:")
        for workers, threads in shapes:
            rows = [r for r in results if r.shape == f"{workers}x{threads}"]
            rate = statistics.median(r.rate for r in rows)
            verdict = "meets" if rate >= TARGET_RATE else "below"
            self.stdout.write(
                f"  {workers}x{threads}: {rate:.1f} ballots/s ({verdict} the {TARGET_RATE}/s target) · "
                f"journey p50 {statistics.median(r.journey_p50 for r in rows) * 1000:.0f} ms "
                f"p95 {statistics.median(r.journey_p95 for r in rows) * 1000:.0f} ms · "
                f"submit p50 {statistics.median(r.submit_p50 for r in rows) * 1000:.0f} ms "
                f"p95 {statistics.median(r.submit_p95 for r in rows) * 1000:.0f} ms · "
                f"errors {sum(r.errors for r in rows)} · "
                f"lost or duplicated ballots: {'none' if not any(r.problems for r in rows) else 'SEE ABOVE'}"
            )

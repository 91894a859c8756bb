"""`kaoping bench`: build a city-scale synthetic dataset and time a month's heavy operations on it.

Into the configured database it writes a city of `--towns` towns of `--cadres-per-town` cadres
(leadership members, agency cadres of the three categories, village cadres and their heads), each
town's three schemes of the year with `--items` indicators (every rule kind, two vetoes, a weight
change in May), `--months` published months of approved score sheets holding one entry per cadre
and indicator, a few approved bonuses and deductions a month, and every month's stored results
(computed by `period_recompute`, month after month, as the office would). Then it reports the
median of `--runs` timings of

- recomputing one town-month: `results.period_recompute` on the first town's last month, the
  heaviest of the year (its year caps read every earlier month); the month is published, so this is
  the computation compared with its stored rows, which stay (a difference would become its pending
  correction);
- recomputing one city-month: the same month of every town, one after another in this process,
  and again split between `--workers` processes side by side (as the application's workers would);
- one score saved: `scoring.services.entries_save` of one cell of the town's agency sheet, which
  brings that population's stored ranking up to date before it returns; timed on the last month
  made open again inside a transaction that is rolled back (a published month takes no score),
  each save a new value of the first-ranked cadre's first manually scored indicator;
- the town's monthly ranking page (its largest population) and one cadre's breakdown page: full
  requests through Django's test client, logged in as the town's assessment office, each checked
  to answer 200.

It writes only to an empty database (and keeps what it built), or measures again a dataset it
built before (`--keep`). A database with any town whose short code does not start with "bench-" is
refused, whatever the options. `make bench` runs it on a throw-away SQLite file and a throw-away
PostgreSQL database; docs/performance.md records the figures and the command.
"""

import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import django
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.core import collector
from kaoping.dossier.sample import add_history
from kaoping.indicators.models import (
    AdjustmentKind,
    AdjustmentReason,
    Category,
    Indicator,
    IndicatorWeight,
    RuleKind,
    Scheme,
    SchemeStatus,
    TieBreak,
    VetoEffect,
)
from kaoping.people import idnumbers, names
from kaoping.people.models import AgencyCategory, Cadre, Department, Population, Posting, Town, Village
from kaoping.results.models import MonthlyResult
from kaoping.results.results import period_recompute
from kaoping.scoring import services as scoring_services
from kaoping.scoring.bulk import Cell, entries_insert
from kaoping.scoring.models import (
    Adjustment,
    AdjustmentShare,
    AdjustmentStatus,
    Period,
    PeriodStatus,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
)

PREFIX = "bench-"
YEAR = 2026
SEED = 20260101
CATEGORIES = ("党的建设", "新旧动能转换", "乡村振兴", "民生服务保障", "防范化解风险", "督促落实")
# Seconds, at most: the recompute targets of issue 10 (no slower than before results kept their
# ids: 80 ms a town-month, 4 s a city-month; a saved score's ranking in 50 ms), the pages' of the first.
TARGETS = {
    "town": 0.08,
    "city": 4.0,
    "save": 0.05,
    "ranking": 0.1,
    "breakdown": 0.1,
}
D = Decimal


@dataclass(frozen=True)
class Size:
    towns: int
    cadres_per_town: int
    months: int
    items: int


# --- Building ------------------------------------------------------------------------------------


def _population_sizes(cadres: int) -> dict[str, int]:
    """About 5% leadership members, 45% village cadres, the rest agency cadres (as in 夏村镇)."""
    leadership = max(1, round(cadres * 0.05))
    village = round(cadres * 0.45)
    return {
        Population.LEADERSHIP: leadership,
        Population.AGENCY: cadres - leadership - village,
        Population.VILLAGE: village,
    }


def _id_number(serial: int) -> str:
    first17 = f"371083{1965 + serial % 35}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    return first17 + idnumbers.check_char(first17)


def _build_people(rng: random.Random, size: Size) -> list[Town]:
    """Towns, departments, villages, cadres, and per town an office clerk, a Party secretary and a
    scorer."""
    towns = Town.objects.bulk_create(
        Town(slug=f"{PREFIX}{n:02d}", name=f"基准{n:02d}镇", city="基准市") for n in range(1, size.towns + 1)
    )
    counts = _population_sizes(size.cadres_per_town)
    village_count = max(1, counts[Population.VILLAGE] // 9)
    Department.objects.bulk_create(
        Department(town=t, name=f"第{d}办公室", sort_order=d) for t in towns for d in range(1, 13)
    )
    Village.objects.bulk_create(
        Village(town=t, name=f"第{v}村", sort_order=v) for t in towns for v in range(1, village_count + 1)
    )
    departments = {t.pk: list(t.departments.order_by("pk")) for t in towns}
    villages = {t.pk: list(t.villages.order_by("pk")) for t in towns}
    cadres = []
    categories = list(AgencyCategory)
    for town in towns:
        taken: set[str] = set()
        serial = 0
        for population, count in counts.items():
            for n in range(count):
                serial += 1
                male = rng.random() < 0.6
                extra: dict[str, Any] = {"position": "科员"}
                if population == Population.LEADERSHIP:
                    extra = {"position": "党委委员", "is_middle_level": True}
                elif population == Population.AGENCY:
                    extra["agency_category"] = categories[n % 5 % 3]  # established staff the most
                    extra["department"] = departments[town.pk][n % 12]
                else:
                    village = villages[town.pk][n % village_count]
                    head = n < village_count
                    extra = {"village": village, "position": "党支部书记" if head else "村委委员"}
                    extra["is_village_head"] = head
                cadres.append(
                    Cadre(
                        town=town,
                        name=names.person_name(rng, male=male, birth_year=1965 + serial % 35, taken=taken),
                        gender="male" if male else "female",
                        id_number=_id_number(serial),
                        population=population,
                        **extra,
                    )
                )
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    # In post since before the bench's months, as a town's cadres are.
    Posting.objects.bulk_create((Posting.opening(c, date(2020, 1, 1)) for c in cadres), batch_size=2000)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"{PREFIX}{role}-{t.slug[len(PREFIX) :]}", password=unusable, display_name=role)
        for t in towns
        for role in ("office", "leader", "scorer")
    )
    roles = {"office": Role.ASSESSMENT_OFFICE, "leader": Role.MAIN_LEADER, "scorer": Role.SCORER}
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=u,
            role=roles[u.display_name],
            town=towns[i // 3],
            population=Population.AGENCY if u.display_name == "scorer" else "",
        )
        for i, u in enumerate(users)
    )
    return towns


def _indicator_fields(index: int) -> dict[str, Any]:
    """The rule of the `index`-th indicator of a scheme: two vetoes, then a mix of every rule kind."""
    if index == 0:
        return {"rule_kind": RuleKind.VETO, "max_score": D(1), "veto_effect": VetoEffect.ZERO_CATEGORY}
    if index == 1:
        return {"rule_kind": RuleKind.VETO, "max_score": D(1), "veto_effect": VetoEffect.CAP_GRADE}
    kind = index % 10
    maximum = D(2 + index % 9)
    if kind == 5:
        return {"rule_kind": RuleKind.COMPLETION, "max_score": maximum, "target": D(100 + 50 * (index % 4))}
    if kind == 6:
        return {"rule_kind": RuleKind.PASS_FAIL, "max_score": maximum}
    if kind == 7:
        return {
            "rule_kind": RuleKind.PER_OCCURRENCE,
            "max_score": maximum,
            "points_each": D("0.5") * (1 + index % 3),
            "cap": maximum if index % 2 else None,
        }
    if kind == 8:
        proportional = index % 20 == 8
        return {
            "rule_kind": RuleKind.RANK,
            "max_score": maximum,
            "proportional": proportional,
            "ladder_step": None if proportional else D("0.5"),
        }
    return {"rule_kind": RuleKind.MANUAL, "max_score": maximum}


def _build_schemes(towns: list[Town], size: Size) -> None:
    """Each town's three schemes of the year, `items` indicators each, weighted from January; from
    May one indicator in ten weighs one more."""
    schemes = Scheme.objects.bulk_create(
        Scheme(
            town=t,
            year=YEAR,
            population=p,
            name=f"{YEAR}年{p.label}考核方案",
            status=SchemeStatus.PUBLISHED,
            bonus_cap_month=D(3),
            bonus_cap_year=D(10),
            deduction_cap_month=D(5),
            deduction_cap_year=D(20),
            tie_breaks=[TieBreak.PERFORMANCE, TieBreak.FEWER_DEDUCTIONS],
        )
        for t in towns
        for p in Population
    )
    categories = Category.objects.bulk_create(
        Category(scheme=s, name=name, sort_order=n) for s in schemes for n, name in enumerate(CATEGORIES)
    )
    by_scheme: dict[int, list[Category]] = {}
    for category in categories:
        by_scheme.setdefault(category.scheme_id, []).append(category)
    indicators = Indicator.objects.bulk_create(
        (
            Indicator(
                scheme=s,
                category=by_scheme[s.pk][4 if i < 2 else i % len(CATEGORIES)],
                code=f"{i + 1}",
                name=f"指标{i + 1}",
                standard="按评分标准计分",
                sort_order=i,
                **_indicator_fields(i),
            )
            for s in schemes
            for i in range(size.items)
        ),
        batch_size=2000,
    )
    IndicatorWeight.objects.bulk_create(
        (
            IndicatorWeight(
                indicator=ind,
                effective_from=date(YEAR, 1, 1),
                weight=D(0) if ind.rule_kind == RuleKind.VETO else D(1 + int(ind.code) % 4),
            )
            for ind in indicators
        ),
        batch_size=2000,
    )
    if size.months >= 5:
        IndicatorWeight.objects.bulk_create(
            (
                IndicatorWeight(
                    indicator=ind, effective_from=date(YEAR, 5, 1), weight=D(2 + int(ind.code) % 4)
                )
                for ind in indicators
                if int(ind.code) % 10 == 3
            ),
            batch_size=2000,
        )
    AdjustmentReason.objects.bulk_create(
        AdjustmentReason(scheme=s, kind=kind, name=name, sort_order=n)
        for s in schemes
        for n, (kind, name) in enumerate(
            [
                (AdjustmentKind.BONUS, "改革创新"),
                (AdjustmentKind.BONUS, "获评先进"),
                (AdjustmentKind.DEDUCTION, "安全生产"),
                (AdjustmentKind.DEDUCTION, "信访超期"),
            ]
        )
    )


def _drawer(
    rng: random.Random, indicator: Indicator
) -> tuple[Callable[[int], list[Decimal]], Decimal | None]:
    """How to draw a month's raw values of an indicator for `n` cadres, and the cell's limit.

    As scorers fill them in: manual scores in steps of a twentieth of the maximum, completion and
    proportional values to the cent (nearly all different), a rank ladder as places 1 to n.
    """
    kind, maximum = indicator.rule_kind, indicator.max_score

    def pick(pool: list[Decimal]) -> Callable[[int], list[Decimal]]:
        return lambda n: rng.choices(pool, k=n)

    if kind == RuleKind.MANUAL:
        return pick([maximum * n / 20 for n in range(12, 21)]), maximum
    if kind == RuleKind.COMPLETION:
        return pick([(indicator.target * n / 1000).quantize(D("0.01")) for n in range(600, 1201)]), None
    if kind == RuleKind.PASS_FAIL:
        return pick([D(1)] * 19 + [D(0)]), D(1)
    if kind == RuleKind.VETO:
        return pick([D(1)] * 499 + [D(0)]), D(1)
    if kind == RuleKind.PER_OCCURRENCE:
        return pick([D(0)] * 17 + [D(1), D(1), D(2)]), None
    if indicator.proportional:
        return pick([D(n) / 100 for n in range(5000, 10001)]), None
    return lambda n: [D(place) for place in rng.sample(range(1, n + 1), n)], None


def _build_months(rng: random.Random, towns: list[Town], size: Size, out: Callable[[str], None]) -> int:
    """Periods, approved sheets, one entry per cadre and indicator, a few approved bonuses and
    deductions a month. Returns the number of entries written."""
    now = timezone.now()
    written = 0
    started = time.perf_counter()
    for number, town in enumerate(towns, start=1):
        schemes = list(Scheme.objects.filter(town=town, year=YEAR))
        indicators = {s.pk: list(Indicator.objects.filter(scheme=s).order_by("pk")) for s in schemes}
        members = {
            s.pk: list(Cadre.objects.filter(town=town, population=s.population).values_list("pk", flat=True))
            for s in schemes
        }
        reasons = list(AdjustmentReason.objects.filter(scheme__town=town))
        users = {
            u.display_name: u.pk
            for u in User.objects.filter(
                username__endswith=f"-{town.slug[len(PREFIX) :]}", username__startswith=PREFIX
            )
        }
        drawers = {i.pk: _drawer(rng, i) for s in schemes for i in indicators[s.pk]}
        with transaction.atomic():
            periods = Period.objects.bulk_create(
                Period(town=town, month=date(YEAR, m, 1), status=PeriodStatus.PUBLISHED, published_at=now)
                for m in range(1, size.months + 1)
            )
            sheets = ScoreSheet.objects.bulk_create(
                ScoreSheet(
                    period=p,
                    scheme=s,
                    status=SheetStatus.APPROVED,
                    submitted_by_id=users["scorer"],
                    submitted_at=now,
                    approved_by_id=users["office"],
                    approved_at=now,
                )
                for p in periods
                for s in schemes
            )
        for period in periods:
            entries = []
            for sheet in (s for s in sheets if s.period_id == period.pk):
                cadres = members[sheet.scheme_id]
                for indicator in indicators[sheet.scheme_id]:
                    draw, limit = drawers[indicator.pk]
                    for cadre_id, value in zip(cadres, draw(len(cadres)), strict=True):
                        entries.append((sheet.pk, cadre_id, indicator.pk, value, limit))
            _write_entries(entries, users["scorer"], now)
            written += len(entries)
            _build_adjustments(rng, period, reasons, members, users, now)
        elapsed = time.perf_counter() - started
        out(f"  town {number}/{len(towns)}: {written:,} entries, {written / elapsed:,.0f} a second")
    return written


def _write_entries(
    rows: list[tuple[int, int, int, Decimal, Decimal | None]], user: int, at: datetime
) -> None:
    """Score entries given as (sheet, cadre, indicator, value, limit), all written by `user` at `at`
    (`scoring.bulk.entries_insert`: COPY on PostgreSQL, one prepared INSERT on SQLite)."""
    entries_insert((Cell(*row, "", user) for row in rows), at=at)


def _build_adjustments(
    rng: random.Random,
    period: Period,
    reasons: list[AdjustmentReason],
    members: dict[int, list[int]],
    users: dict[str, int],
    now: datetime,
) -> None:
    """About one cadre in thirty gets a bonus or a deduction a month; a deduction may be shared."""
    scheme_of = {r.pk: r.scheme_id for r in reasons}
    count = max(1, sum(len(m) for m in members.values()) // 30)
    chosen = [rng.choice(reasons) for _n in range(count)]
    adjustments = Adjustment.objects.bulk_create(
        Adjustment(
            period=period,
            reason=r,
            kind=r.kind,
            title=f"{r.name}事项",
            status=AdjustmentStatus.APPROVED,
            created_by_id=users["office"],
            decided_by_id=users["leader"],
            decided_at=now,
        )
        for r in chosen
    )
    shares = []
    for adjustment in adjustments:
        cadres = members[scheme_of[adjustment.reason_id]]
        bonus = adjustment.kind == AdjustmentKind.BONUS
        owners = rng.sample(cadres, k=1 if bonus or len(cadres) < 2 else 2)
        for cadre_id, points in zip(owners, (D(rng.choice(["0.5", "1", "2"])), D("0.5")), strict=False):
            shares.append(AdjustmentShare(adjustment=adjustment, cadre_id=cadre_id, points=points))
    AdjustmentShare.objects.bulk_create(shares)


def _compute_all(size: Size, out: Callable[[str], None]) -> None:
    """Every month's stored results, month after month (a month's year caps read the earlier ones)."""
    for month in range(1, size.months + 1):
        started = time.perf_counter()
        periods = Period.objects.filter(town__slug__startswith=PREFIX, month=date(YEAR, month, 1))
        for period in periods:
            period_recompute(period)
        out(f"  {YEAR}-{month:02d}: {time.perf_counter() - started:.1f} s")


# --- Measuring -----------------------------------------------------------------------------------


def _timed(runs: int, action: Callable[[], object]) -> list[float]:
    times = []
    for _n in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _page(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}, not 200")
        response.content  # noqa: B018 (the body is part of the request)

    return get


def _recompute_each(period_ids: list[int]) -> None:
    for period in Period.objects.filter(pk__in=period_ids):
        period_recompute(period)


class _RolledBack(Exception):
    pass


def _score_saves(runs: int, period: Period) -> tuple[list[float], int, int]:
    """Timings of saving one cell (a new value each time) of the month's agency sheet, the month
    opened again for it inside a transaction rolled back at the end; with the number of cadres
    whose stored ranking each save brings up to date, and the queries of one save."""
    times: list[float] = []
    queries = 0
    try:
        with transaction.atomic():
            Period.objects.filter(pk=period.pk).update(status=PeriodStatus.OPEN, published_at=None)
            sheet = ScoreSheet.objects.get(period=period, scheme__population=Population.AGENCY)
            ScoreSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.DRAFT)
            scorer = User.objects.get(
                roles__town=period.town_id, roles__role=Role.SCORER, roles__population=Population.AGENCY
            )
            first = MonthlyResult.objects.filter(period=period, scheme=sheet.scheme_id).order_by("rank")[0]
            indicator = Indicator.objects.filter(scheme=sheet.scheme_id, rule_kind=RuleKind.MANUAL).order_by(
                "sort_order", "pk"
            )[0]
            ranked = MonthlyResult.objects.filter(period=period, scheme=sheet.scheme_id).count()
            steps = [indicator.max_score * D(n) / 20 for n in range(21)]
            for n in range(runs + 1):
                entry = ScoreEntry.objects.get(sheet=sheet, cadre=first.cadre_id, indicator=indicator)
                value = steps[n % len(steps)]
                if value == entry.value:
                    value = steps[(n + 1) % len(steps)]
                cell = scoring_services.Cell(first.cadre_id, indicator.pk, str(value), version=entry.version)
                started = time.perf_counter()
                scoring_services.entries_save(actor=scorer, sheet=sheet, cells=[cell])
                if n:  # the first save loads what a worker has loaded long before
                    times.append(time.perf_counter() - started)
            entry = ScoreEntry.objects.get(sheet=sheet, cadre=first.cadre_id, indicator=indicator)
            value = next(v for v in steps if v != entry.value)
            cell = scoring_services.Cell(first.cadre_id, indicator.pk, str(value), version=entry.version)
            with CaptureQueriesContext(connection) as captured:
                scoring_services.entries_save(actor=scorer, sheet=sheet, cells=[cell])
            queries = len(captured)
            raise _RolledBack
    except _RolledBack:
        pass
    return times, ranked, queries


def _connect(_n: int) -> None:
    Period.objects.exists()


def _timed_in_parallel(runs: int, groups: list[list[int]]) -> list[float]:
    """Timings of recomputing each group of periods in a process of its own, all at once: as the
    application's workers would, each serving one town's office."""
    connections.close_all()  # a forked process must open its own connection
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(groups), mp_context=context) as pool:
        list(pool.map(_connect, range(len(groups))))  # processes started and connected beforehand
        return _timed(runs, lambda: list(pool.map(_recompute_each, groups)))


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        return "RAM unknown"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _database() -> tuple[str, str]:
    """The database in one phrase, and its size on disk."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version(), pg_database_size(current_database())")
            version, size = cursor.fetchone()
            return version.split(" on ")[0], f"{size / 2**30:.2f} GiB"
        cursor.execute("SELECT sqlite_version()")
        (version,) = cursor.fetchone()
        name = str(connection.settings_dict["NAME"])
        size = sum(os.path.getsize(p) for p in (name, f"{name}-wal") if os.path.exists(p))
        return f"SQLite {version} (WAL)", f"{size / 2**30:.2f} GiB"


class Command(BaseCommand):
    help = "Build a city-scale synthetic dataset (or reuse one with --keep) and time recomputing and pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--towns", type=int, default=50)
        parser.add_argument("--cadres-per-town", type=int, default=300)
        parser.add_argument("--months", type=int, default=12, help="1 to 12, from January")
        parser.add_argument("--items", type=int, default=50, help="indicators per scheme, 10 or more")
        parser.add_argument(
            "--runs", type=int, default=5, help="timings per measurement; the median is shown"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes for the side-by-side city-month measurement (1: skip it); default: one per CPU",
        )
        parser.add_argument(
            "--keep", action="store_true", help="measure the bench dataset already in the database again"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the database and print the plan; write nothing"
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="also print where the town-month recomputes spend their time (cProfile, by own time)",
        )

    def handle(
        self,
        *args: str,
        towns: int,
        cadres_per_town: int,
        months: int,
        items: int,
        runs: int,
        workers: int,
        keep: bool,
        dry_run: bool,
        profile: bool,
        **options: Any,
    ) -> None:
        if not (1 <= months <= 12 and towns >= 1 and cadres_per_town >= 20 and items >= 10 and runs >= 1):
            raise CommandError("Use 1-12 months, at least 1 town, 20 cadres per town, 10 items and 1 run.")
        size = Size(towns, cadres_per_town, months, items)
        built = self._check_database(keep)
        if dry_run:
            plan = "measure the kept dataset" if built else f"build {size} and measure it"
            self.stdout.write(f"Database is fit for the benchmark; would {plan}.")
            return
        build_times: dict[str, float] = {}
        if not built:
            build_times = self._build(size)
        # Measured as a served worker runs: what the process holds set aside from the collector's walks.
        collector.settle()
        self._measure(runs, workers, build_times)
        if profile:
            self._profile(runs)

    def _check_database(self, keep: bool) -> bool:
        """True when a previous bench dataset is there to reuse; raise unless it is safe to go on."""
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated: run `kaoping migrate` first.")
        slugs = list(Town.objects.values_list("slug", flat=True))
        foreign = [s for s in slugs if not s.startswith(PREFIX)]
        if foreign:
            raise CommandError(
                f"This database holds towns that are not the benchmark's ({', '.join(foreign[:5])}): "
                "the benchmark runs only on an empty database or on its own dataset."
            )
        if slugs:
            if not keep:
                raise CommandError(
                    "A bench dataset is already here: pass --keep to measure it again, "
                    "or use an empty database."
                )
            return True
        if User.objects.exists():
            raise CommandError(
                "This database holds user accounts: the benchmark runs only on an empty database."
            )
        return False

    def _build(self, size: Size) -> dict[str, float]:
        out = self.stdout.write
        rng = random.Random(SEED)
        times = {}
        out(
            f"Building {size.towns} towns × {size.cadres_per_town} cadres, {size.months} months, "
            f"{size.items} items …"
        )
        started = time.perf_counter()
        with transaction.atomic():
            towns = _build_people(rng, size)
            _build_schemes(towns, size)
        times["people and schemes"] = time.perf_counter() - started
        started = time.perf_counter()
        _build_months(rng, towns, size, out)
        times["months, sheets, entries, adjustments"] = time.perf_counter() - started
        out("Computing every month's stored results (period_recompute, town by town) …")
        started = time.perf_counter()
        _compute_all(size, out)
        times["stored results"] = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return times

    def _measure(self, runs: int, workers: int, build_times: dict[str, float]) -> None:
        """Print the machine and the dataset, then each measurement as soon as it is taken."""
        town = Town.objects.filter(slug__startswith=PREFIX).order_by("slug").first()
        last = Period.objects.filter(town=town).order_by("-month").first()
        if town is None or last is None:
            raise CommandError("The bench dataset is incomplete: start again on an empty database.")
        self._describe(build_times, town)
        city = list(
            Period.objects.filter(town__slug__startswith=PREFIX, month=last.month).order_by("town__slug")
        )
        town_cadres = Cadre.objects.filter(town=town).count()
        town_entries = ScoreEntry.objects.filter(sheet__period=last).count()
        city_entries = ScoreEntry.objects.filter(sheet__period__in=city).count()
        month = f"{last.month:%Y-%m}"
        period_recompute(last)  # untimed: the first loads what a worker has loaded long before
        self._row(
            f"recompute one town-month ({town.slug} {month}: {town_cadres} cadres, {town_entries:,} entries)",
            _timed(runs, lambda: period_recompute(last)),
            TARGETS["town"],
        )
        self._row(
            f"recompute one city-month ({len(city)} towns, {city_entries:,} entries), one process",
            _timed(runs, lambda: [period_recompute(p) for p in city]),
            TARGETS["city"],
        )
        if workers > 1:
            groups = [[p.pk for p in city[n::workers]] for n in range(workers)]
            self._row(
                f"recompute one city-month, {workers} processes side by side",
                _timed_in_parallel(runs, groups),
                TARGETS["city"],
            )

        times, ranked, queries = _score_saves(runs, last)
        self._row(
            f"one score saved → its population's stored ranking updated ({ranked} agency cadres)",
            times,
            TARGETS["save"],
            f"{queries} queries",
        )

        population = max(Population, key=lambda p: Cadre.objects.filter(town=town, population=p).count())
        ranked = Cadre.objects.filter(town=town, population=population).count()
        first = MonthlyResult.objects.filter(period=last, cadre__population=population).order_by("rank")[0]
        months = MonthlyResult.objects.filter(cadre_id=first.cadre_id).count()
        office = User.objects.get(roles__town=town, roles__role=Role.ASSESSMENT_OFFICE)
        pages = [
            (
                f"ranking page ({ranked} {population} cadres)",
                reverse("scoring:ranking", args=[town.slug, month]) + f"?population={population}",
                TARGETS["ranking"],
            ),
            (
                f"breakdown page ({town_entries // town_cadres} lines, {months} months of ranks)",
                reverse("scoring:breakdown", args=[town.slug, month, first.cadre_id]),
                TARGETS["breakdown"],
            ),
        ]
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            client = Client()
            client.force_login(office)
            for label, url, target in pages:
                get = _page(client, url)
                get()  # the first request loads templates and translations
                times = _timed(runs, get)
                with CaptureQueriesContext(connection) as queries:
                    get()
                self._row(label, times, target, f"{len(queries)} queries")
            _dossier_row(self, client, town, first.cadre_id, office, runs)
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        self.stdout.write(f"\nload average at the end {load} (other processes share the CPUs: see min)")

    def _profile(self, runs: int) -> None:
        period = Period.objects.filter(town__slug__startswith=PREFIX).order_by("town__slug", "-month")[0]
        profiler = cProfile.Profile()
        for _n in range(runs):
            profiler.runcall(period_recompute, period)
        self.stdout.write(
            f"\nWhere {runs} recomputes of {period.town.slug} {period.month:%Y-%m} spend their time:"
        )
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("tottime").print_stats(30)
        self.stdout.write(text.getvalue())

    def _describe(self, build_times: dict[str, float], town: Town) -> None:
        out = self.stdout.write
        vendor, db_size = _database()
        counts = {
            "towns": Town.objects.filter(slug__startswith=PREFIX).count(),
            "cadres": Cadre.objects.count(),
            "months": Period.objects.filter(town=town).count(),
            "indicators per scheme": Indicator.objects.filter(scheme__town=town).count() // len(Population),
            "score entries": ScoreEntry.objects.count(),
            "stored results": MonthlyResult.objects.count(),
        }
        out("")
        out(f"command    {shlex.join(['kaoping', *sys.argv[1:]])}")
        system = f"{platform.system()} {platform.release()}"
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        out(f"machine    {os.cpu_count()} CPUs, {_cpu_model()}, {_memory()}, {system}; load average {load}")
        out(f"software   Python {platform.python_version()}, Django {django.get_version()}, {vendor}")
        out(f"dataset    {', '.join(f'{v:,} {k}' for k, v in counts.items())}; {db_size} on disk")
        if build_times:
            parts = ", ".join(f"{k} {v:.0f} s" for k, v in build_times.items())
            out(f"build      {parts}; total {sum(build_times.values()):.0f} s")
        else:
            out("build      kept from an earlier run (--keep)")
        out("")
        out("| measurement | median | min | max | target | |")
        out("|---|---:|---:|---:|---:|---|")

    def _row(self, label: str, runs: list[float], target: float, note: str = "") -> None:
        median = statistics.median(runs)
        verdict = "met" if median <= target else "MISSED"
        self.stdout.write(
            f"| {label} | {_fmt(median)} | {_fmt(min(runs))} | {_fmt(max(runs))} | ≤ {_fmt(target)} "
            f"| {verdict}{'; ' + note if note else ''} |"
        )


DOSSIER_TARGET = 0.3  # seconds: a dossier with 5 years of history (issue 13)


def _dossier_row(command: Command, client: Client, town: Town, cadre_id: int, actor: User, runs: int) -> None:
    """Time the dossier page of a cadre with five years of history: the bench year and the four before
    it, added once to the bench dataset (`kaoping.dossier.sample`; kept with the dataset)."""
    cadre = Cadre.objects.select_related("town").get(pk=cadre_id)
    year = Period.objects.filter(town=town).order_by("-month").values_list("month", flat=True)[0].year
    earlier = list(range(year - 4, year))
    if not MonthlyResult.objects.filter(cadre=cadre, period__month__year=earlier[0]).exists():
        with transaction.atomic():
            add_history(cadre, years=earlier, actor=actor)
    months = MonthlyResult.objects.filter(cadre=cadre).count()
    get = _page(client, reverse("dossier:page", args=[town.slug, cadre.pk]))
    get()
    times = _timed(runs, get)
    with CaptureQueriesContext(connection) as queries:
        get()
    command._row(
        f"dossier page (5 years, {months} months of results)",
        times,
        DOSSIER_TARGET,
        f"{len(queries)} queries",
    )


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"

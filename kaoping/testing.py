"""Test personas: one user per role in a town, plus a user of another town; and the builders the apps'
tests share (cadres, schemes, a scored month, published results, the English the assertions are in).

Tests read like a matrix: `personas["scorer"]` is a scorer of `town`, `personas["other_town_admin"]`
the administrator of a different town. Used by the shared fixtures in conftest.py.
"""

import os
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.people.models import AgencyCategory, Cadre, Department, Population, Posting, Town, Village

PASSWORD = "Test#pass1"

_ID_BASE = "37018319800101"


def id_number(serial: int) -> str:
    """A valid resident ID number, different for each serial (0-999)."""
    from kaoping.people.idnumbers import check_char  # a test helper: imported where used

    first17 = f"{_ID_BASE}{serial:03d}"
    return first17 + check_char(first17)


def make_town(slug: str = "xiacun", name: str = "夏村镇") -> Town:
    town = Town.objects.create(slug=slug, name=name, city="乳山市")
    Department.objects.create(town=town, name="党政办公室")
    Village.objects.create(town=town, name="东村")
    return town


# Test cadres are in post long before any month a test scores.
IN_POST_FROM = date(2020, 1, 1)


def make_cadre(
    town: Town,
    name: str,
    serial: int,
    population: str = Population.AGENCY,
    *,
    in_post_from: date = IN_POST_FROM,
    **extra,
) -> Cadre:
    """A cadre of `town` in post from `in_post_from` (one open posting with their facts)."""
    fields = {"position": "科员"}
    if population == Population.AGENCY:
        fields.update(agency_category=AgencyCategory.ESTABLISHED, department=town.departments.first())
    if population == Population.VILLAGE:
        fields.update(village=town.villages.first(), position="村委委员")
    fields.update(extra)
    cadre = Cadre.objects.create(
        town=town, name=name, id_number=id_number(serial), population=population, **fields
    )
    Posting.opening(cadre, in_post_from).save()
    return cadre


def make_cadres(town: Town, names: str, first_serial: int, **extra) -> list[Cadre]:
    """One cadre of `town` per character of `names` (甲, 乙, …), serials counting from `first_serial`."""
    return [make_cadre(town, name, first_serial + n, **extra) for n, name in enumerate(names)]


def make_user(username: str, *, town: Town | None, role: Role | None, population: str = "", **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role is not None and role != Role.CADRE:
        RoleAssignment.objects.create(
            user=user, role=role, town=None if role in Role.city_wide() else town, population=population
        )
    return user


def make_personas(town: Town, other_town: Town) -> dict[str, User]:
    """One user per role in `town`, and an administrator of `other_town`."""
    personas = {}
    for role in Role:
        if role == Role.CADRE:
            cadre = make_cadre(town, "王小明", 900)
            personas[role.value] = make_user("cadre", town=town, role=None, cadre=cadre)
            continue
        population = Population.AGENCY if role in Role.for_population() else ""
        personas[role.value] = make_user(role.value, town=town, role=role, population=population)
    personas["other_town_admin"] = make_user("other_admin", town=other_town, role=Role.TOWN_ADMIN)
    personas["no_role"] = make_user("no_role", town=None, role=None)
    return personas


def make_scheme(town: Town, year: int = 2026, population: str = Population.AGENCY, **settings):
    """A small scheme: one category, a manual indicator (max 10, weight 60), a pass/fail one (weight 40)."""
    from kaoping.indicators.models import AdjustmentReason, Category, Indicator, IndicatorWeight, Scheme

    scheme = Scheme.objects.create(
        town=town, year=year, population=population, name=f"{year} {population}", **settings
    )
    category = Category.objects.create(scheme=scheme, name="党的建设")
    manual = Indicator.objects.create(
        scheme=scheme,
        category=category,
        code="1.1",
        name="党建工作",
        standard="按完成质量评分",
        max_score=Decimal(10),
    )
    passed = Indicator.objects.create(
        scheme=scheme,
        category=category,
        code="1.2",
        name="信用建设",
        standard="达标得分",
        max_score=Decimal(1),
        rule_kind="pass_fail",
        is_fixed=True,
    )
    IndicatorWeight.objects.create(indicator=manual, effective_from=date(year, 1, 1), weight=Decimal(60))
    IndicatorWeight.objects.create(indicator=passed, effective_from=date(year, 1, 1), weight=Decimal(40))
    AdjustmentReason.objects.create(scheme=scheme, kind="bonus", name="改革创新")
    AdjustmentReason.objects.create(scheme=scheme, kind="deduction", name="安全生产")
    return scheme


def approved_share(period, reason, cadre: Cadre, points: str, *, by: User):
    """An approved bonus or deduction of `period` (its kind `reason`'s) with one share: `cadre`'s
    `points`, as the office's two-step workflow leaves it."""
    from kaoping.scoring.models import Adjustment, AdjustmentShare, AdjustmentStatus

    adjustment = Adjustment.objects.create(
        period=period,
        reason=reason,
        kind=reason.kind,
        title="事项",
        created_by=by,
        status=AdjustmentStatus.APPROVED,
    )
    return AdjustmentShare.objects.create(adjustment=adjustment, cadre=cadre, points=Decimal(points))


JAN, FEB, MAR = (date(2026, month, 1) for month in (1, 2, 3))


def scored_sheet(town: Town, month: date, *, by: User, values: dict[Cadre, dict[str, str]]):
    """`month` of `town` with an approved sheet of the small scheme (`make_scheme`), holding the values
    `by` typed for each cadre by indicator code (`{cadre: {"1.1": "8", "1.2": "1"}}`); nothing computed."""
    from kaoping.indicators.models import Indicator
    from kaoping.scoring.models import Period, ScoreEntry, ScoreSheet

    scheme = make_scheme(town, month.year)
    period = Period.objects.create(town=town, month=month)
    sheet = ScoreSheet.objects.create(period=period, scheme=scheme, status="approved")
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(scheme=scheme)}
    for cadre, typed in values.items():
        for code, value in typed.items():
            ScoreEntry.objects.create(
                sheet=sheet, cadre=cadre, indicator=indicators[code], value=Decimal(value), updated_by=by
            )
    return sheet


def publish_month(town: Town, month: date, totals: dict, *, status=None, group=None, capped=()):
    """Store a month's agency results as the results app would: ranked by `ranking.rank`, each cadre in
    the pool `group` (by default their agency category), the `capped` cadres' grade capped by a veto;
    the month published unless `status` says otherwise. `totals`: {cadre: total}."""
    from kaoping.engine import ranking
    from kaoping.indicators.models import Scheme
    from kaoping.results.models import MonthlyResult
    from kaoping.scoring.models import Period, PeriodStatus

    period, _created = Period.objects.get_or_create(
        town=town, month=month, defaults={"status": status or PeriodStatus.PUBLISHED}
    )
    scheme = Scheme.objects.filter(town=town, year=month.year, population=Population.AGENCY).first()
    scheme = scheme or make_scheme(town, month.year, Population.AGENCY)
    placed = ranking.ranks(ranking.rank([ranking.Standing(c.pk, Decimal(t)) for c, t in totals.items()]))
    for cadre, total in totals.items():
        MonthlyResult.objects.create(
            period=period,
            cadre=cadre,
            scheme=scheme,
            performance=Decimal(total),
            bonus=0,
            deduction=0,
            total=Decimal(total),
            rank=placed[cadre.pk],
            group_rank=placed[cadre.pk],
            group=cadre.agency_category if group is None else group,
            grade_capped=cadre in capped,
            breakdown={},
        )
    return period


# Fixtures an app's conftest.py takes in by importing them (`from kaoping.testing import in_english`):
# its tests then assert the English the messages and pages are written in.


@pytest.fixture(name="_english", autouse=True)
def in_english():
    """Messages in English, the language they are written in (core's tests check the Chinese catalogue);
    documents made in the site's language stay Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture(name="_english", autouse=True)
def site_in_english(settings):
    """The site's own language English as well, for the apps whose pages and documents are asserted in
    English; `in_english` leaves it Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(name="client")
def english_client():
    """The test client asking for English pages."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


class AppsOfThatTime:
    """The current models as an old data migration knew them: the stored results (MonthlyResult,
    ResultBasis, Correction, ScoreCorrection) were the scoring app's until the layers of issue 10."""

    MOVED = {"monthlyresult", "resultbasis", "correction", "scorecorrection"}

    def __init__(self, apps):
        self.apps = apps

    def get_model(self, app_label: str, name: str):
        if app_label == "scoring" and name.lower() in self.MOVED:
            app_label = "results"
        return self.apps.get_model(app_label, name)


# Browser tests: Debian's Chromium, driven by Playwright, never a downloaded browser. They are skipped,
# with the reason, where it is absent; .ci/run installs it, so CI always runs them.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]

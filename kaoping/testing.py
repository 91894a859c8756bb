"""Test personas: one user per role in a town, plus a user of another town.

Tests read like a matrix: `personas["scorer"]` is a scorer of `town`, `personas["other_town_admin"]`
the administrator of a different town. Used by the shared fixtures in conftest.py.
"""

import os
import shutil
from datetime import date

import pytest

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
    from datetime import date
    from decimal import Decimal

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

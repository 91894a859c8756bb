"""A March 2026 month of the test town with a small agency-cadre scheme, built with the ORM.

The scheme has two categories and one indicator of each common rule kind, weights from January,
caps on bonuses and deductions, and a bonus and a deduction reason.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.indicators.models import (
    AdjustmentKind,
    AdjustmentReason,
    Category,
    Indicator,
    IndicatorWeight,
    RuleKind,
    Scheme,
)
from kaoping.people.models import AgencyCategory, Department, Population

from .. import services

YEAR = 2026
MONTH = "2026-03"


def make_scheme(town, population=Population.AGENCY, *, indicators=None, **settings) -> Scheme:
    """A scheme with the indicators given as (code, rule kind, maximum, extra fields) in two categories."""
    scheme = Scheme.objects.create(
        town=town, year=YEAR, population=population, name=f"{YEAR} {population}", **settings
    )
    party = Category.objects.create(scheme=scheme, name="党的建设", sort_order=1)
    rural = Category.objects.create(scheme=scheme, name="乡村振兴", sort_order=2)
    specs = indicators or [
        ("1.1", RuleKind.MANUAL, 10, {}),
        ("1.2", RuleKind.PASS_FAIL, 5, {}),
        ("2.1", RuleKind.PER_OCCURRENCE, 4, {"points_each": Decimal(1)}),
        ("2.2", RuleKind.RANK, 6, {"ladder_step": Decimal(1)}),
        ("2.3", RuleKind.COMPLETION, 5, {"target": Decimal(100)}),
    ]
    for order, (code, kind, maximum, extra) in enumerate(specs):
        indicator = Indicator.objects.create(
            scheme=scheme,
            category=party if code.startswith("1.") else rural,
            code=code,
            name=f"指标{code}",
            standard="按标准评分",
            max_score=Decimal(maximum),
            rule_kind=kind,
            sort_order=order,
            **extra,
        )
        IndicatorWeight.objects.create(
            indicator=indicator, effective_from=date(YEAR, 1, 1), weight=Decimal(10)
        )
    AdjustmentReason.objects.create(scheme=scheme, kind=AdjustmentKind.BONUS, name="改革创新", sort_order=1)
    AdjustmentReason.objects.create(
        scheme=scheme, kind=AdjustmentKind.DEDUCTION, name="安全生产", default_points=Decimal(2), sort_order=2
    )
    return scheme


@pytest.fixture
def scheme(town):
    return make_scheme(
        town,
        bonus_cap_month=Decimal(3),
        bonus_cap_year=Decimal(10),
        deduction_cap_month=Decimal(5),
        deduction_cap_year=Decimal(20),
    )


@pytest.fixture
def cadres(town, personas):
    """Three agency cadres besides the cadre persona: two established staff in two departments, one
    non-established."""
    station = Department.objects.create(town=town, name="财政所", sort_order=2)
    office = town.departments.get(name="党政办公室")
    return [
        testing.make_cadre(town, "张伟", 1, department=office, is_middle_level=True),
        testing.make_cadre(town, "李娜", 2, department=station),
        testing.make_cadre(
            town, "赵强", 3, department=office, agency_category=AgencyCategory.NON_ESTABLISHED
        ),
    ]


@pytest.fixture
def period(town, scheme, personas, cadres):
    return services.period_open(actor=personas["assessment_office"], town=town, month=date(YEAR, 3, 1))


@pytest.fixture
def sheet(period, scheme):
    return period.sheets.get(scheme=scheme)


@pytest.fixture
def indicators(scheme):
    return {i.code: i for i in scheme.indicators.all()}


@pytest.fixture
def village_scorer(town):
    return testing.make_user("village_scorer", town=town, role=Role.SCORER, population=Population.VILLAGE)


def url(name: str, town, *args) -> str:
    return reverse(f"scoring:{name}", args=[town.slug, MONTH, *args])


def cell(cadre, indicator) -> str:
    return f"v-{cadre.pk}-{indicator.pk}"


def note(cadre, indicator) -> str:
    return f"n-{cadre.pk}-{indicator.pk}"


def fill(sheet, user, value: str = "1") -> None:
    """Score every cell of the sheet (a sheet with empty cells cannot be submitted)."""
    from ..models import ScoreSheet
    from ..selectors import sheet_cadres, sheet_indicators

    sheet = ScoreSheet.objects.select_related("period__town", "scheme").get(pk=sheet.pk)
    cells = [
        services.Cell(c.pk, i.pk, "1" if i.rule_kind != RuleKind.MANUAL else value)
        for c in sheet_cadres(sheet)
        for i in sheet_indicators(sheet)
    ]
    services.entries_save(actor=user, sheet=sheet, cells=cells, based_on_revision=sheet.revision)


@pytest.fixture
def complete(sheet, personas):
    """The sheet with every cell scored."""
    fill(sheet, personas["scorer"])
    return sheet

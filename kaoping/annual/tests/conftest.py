from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.engine import ranking
from kaoping.indicators.models import Scheme
from kaoping.people.models import Population
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
POOL = "agency:established"


@pytest.fixture
def office(personas):
    return personas["assessment_office"]


@pytest.fixture
def leader(personas):
    return personas["main_leader"]


@pytest.fixture
def agency(town):
    """Ten established agency cadres, 甲 to 癸: a pool with two 优秀 places."""
    return [testing.make_cadre(town, name, 100 + n) for n, name in enumerate("甲乙丙丁戊己庚辛壬癸")]


def publish(
    town, month: date, totals: dict, *, status=PeriodStatus.PUBLISHED, group="established", capped=()
):
    """Store a month's agency results as the results app would (ranks by `ranking.rank`)."""
    period, _created = Period.objects.get_or_create(town=town, month=month, defaults={"status": status})
    scheme = Scheme.objects.filter(town=town, year=month.year, population=Population.AGENCY).first()
    scheme = scheme or testing.make_scheme(town, month.year, Population.AGENCY)
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
            group=group,
            grade_capped=cadre in capped,
            breakdown={},
        )
    return period


@pytest.fixture
def year(town, agency):
    """January and February 2026 published; 甲 best (mean 95), 癸 last (mean 50)."""
    jan = dict(zip(agency, ["96", "90", "86", "80", "76", "70", "66", "60", "56", "50"], strict=True))
    feb = dict(zip(agency, ["94", "88", "84", "80", "74", "70", "64", "60", "54", "50"], strict=True))
    publish(town, JAN, jan)
    publish(town, FEB, feb)
    return agency


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")

from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.engine import ranking
from kaoping.people.models import Population
from kaoping.quarterly import services
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@pytest.fixture
def office(personas):
    return personas["assessment_office"]


@pytest.fixture
def agency(town):
    """Seven established agency cadres, 甲 to 庚."""
    return [testing.make_cadre(town, name, 100 + n) for n, name in enumerate("甲乙丙丁戊己庚")]


def publish(
    town, month: date, population: str, totals: dict, *, status=PeriodStatus.PUBLISHED, pool="established"
):
    """Store a month's results as the results app would (ranks by `ranking.rank`), published."""
    period, _created = Period.objects.get_or_create(town=town, month=month, defaults={"status": status})
    scheme = (
        testing.make_scheme(town, month.year, population)
        if not _scheme(town, month.year, population)
        else (_scheme(town, month.year, population))
    )
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
            group_rank=placed[cadre.pk] if population != Population.LEADERSHIP else None,
            group=pool if population != Population.LEADERSHIP else "",
            breakdown={},
        )
    return period


def _scheme(town, year, population):
    from kaoping.indicators.models import Scheme

    return Scheme.objects.filter(town=town, year=year, population=population).first()


@pytest.fixture
def quarter(town, agency):
    """February and March of 2026 published: 庚 last in both, 己 and 戊 near the bottom."""
    feb = dict(zip(agency, ["95", "90", "88", "86", "80", "79", "70"], strict=True))
    mar = dict(zip(agency, ["93", "91", "84", "87", "81", "75", "72"], strict=True))
    publish(town, FEB, Population.AGENCY, feb)
    publish(town, MAR, Population.AGENCY, mar)
    return agency


@pytest.fixture
def meeting(town, office):
    return services.meeting_save(
        actor=office,
        town=town,
        meeting=None,
        year=2026,
        quarter=1,
        values={
            "title": "2026年第一季度观摩述职评比会议",
            "held_on": date(2026, 4, 10),
            "place": "镇政府会议室",
        },
    )


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """The pages in English, as the assertions are written."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")

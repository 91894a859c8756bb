"""The pay tests' world: non-established staff and public-institution staff with published months and
their annual grades computed by the annual evaluation's own service, as a town would have them."""

from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.annual import services as annual
from kaoping.people.models import AgencyCategory, PersonnelType, Population
from kaoping.testing import FEB, JAN, english_client, in_english, publish_month  # noqa: F401 (fixtures)

BONUS_POOL = f"{Population.AGENCY}:{AgencyCategory.NON_ESTABLISHED}"
ESTABLISHED_POOL = f"{Population.AGENCY}:{AgencyCategory.ESTABLISHED}"


@pytest.fixture
def staff(town):
    """Five non-established agency cadres, 甲 to 戊."""
    return testing.make_cadres(town, "甲乙丙丁戊", 300, agency_category=AgencyCategory.NON_ESTABLISHED)


@pytest.fixture
def institution(town):
    """Three established agency cadres of personnel type public-institution staff, 子 丑 寅."""
    return testing.make_cadres(town, "子丑寅", 400, personnel_type=PersonnelType.PUBLIC_INSTITUTION)


@pytest.fixture
def graded(town, staff, institution, office):
    """January and February 2026 published (戊 only in February); both pools' grades computed.
    甲 mean 95 (优秀), 乙 85, 丙 75, 丁 65 (基本合格), 戊 90 in one month of two."""
    a, b, c, d, e = staff
    publish_month(
        town,
        JAN,
        {a: "96", b: "86", c: "76", d: "66", **dict(zip(institution, ["90", "80", "70"], strict=True))},
    )
    publish_month(
        town,
        FEB,
        {
            a: "94",
            b: "84",
            c: "74",
            d: "64",
            e: "90",
            **dict(zip(institution, ["90", "80", "70"], strict=True)),
        },
    )
    annual.pool_compute(actor=office, town=town, year=2026, pool=BONUS_POOL)
    annual.pool_compute(actor=office, town=town, year=2026, pool=ESTABLISHED_POOL)
    confirm_year(town, office)
    return staff


def confirm_year(town, office, year=2026):
    """The year's grades published and confirmed, as pay needs them (the annual app's own tests go
    through its publication and confirmation; here the plans start from a confirmed year)."""
    from django.utils import timezone

    from kaoping.annual.models import AnnualPublication

    now = timezone.now()
    AnnualPublication.objects.update_or_create(
        town=town,
        year=year,
        defaults={"published_at": now, "published_by": office, "confirmed_at": now, "confirmed_by": office},
    )


def reopen_year(town, year=2026):
    """Undo the publication so that a test may change the year's grades (the annual app refuses it)."""
    from kaoping.annual.models import AnnualPublication

    AnnualPublication.objects.filter(town=town, year=year).delete()


def values(**changes):
    found = {
        "pool": Decimal("10000.00"),
        "method": "tiers",
        "coefficient0": Decimal("1.2"),
        "coefficient1": Decimal("1.0"),
        "coefficient2": Decimal("0.6"),
        "coefficient3": Decimal("0"),
        "floor": Decimal("60"),
        "by_year_share": True,
    }
    found.update(changes)
    return found

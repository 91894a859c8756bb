import pytest

from kaoping import testing
from kaoping.testing import FEB, JAN, english_client, in_english, publish_month  # noqa: F401 (fixtures)

POOL = "agency:established"


@pytest.fixture
def agency(town):
    """Ten established agency cadres, 甲 to 癸: a pool with two 优秀 places."""
    return testing.make_cadres(town, "甲乙丙丁戊己庚辛壬癸", 100)


@pytest.fixture
def year(town, agency):
    """January and February 2026 published; 甲 best (mean 95), 癸 last (mean 50)."""
    jan = dict(zip(agency, ["96", "90", "86", "80", "76", "70", "66", "60", "56", "50"], strict=True))
    feb = dict(zip(agency, ["94", "88", "84", "80", "74", "70", "64", "60", "54", "50"], strict=True))
    publish_month(town, JAN, jan)
    publish_month(town, FEB, feb)
    return agency

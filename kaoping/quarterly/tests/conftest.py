from datetime import date

import pytest

from kaoping import testing
from kaoping.quarterly import services
from kaoping.testing import FEB, MAR, english_client, in_english, publish_month  # noqa: F401 (fixtures)


@pytest.fixture
def agency(town):
    """Seven established agency cadres, 甲 to 庚."""
    return testing.make_cadres(town, "甲乙丙丁戊己庚", 100)


@pytest.fixture
def quarter(town, agency):
    """February and March of 2026 published: 庚 last in both, 己 and 戊 near the bottom."""
    feb = dict(zip(agency, ["95", "90", "88", "86", "80", "79", "70"], strict=True))
    mar = dict(zip(agency, ["93", "91", "84", "87", "81", "75", "72"], strict=True))
    publish_month(town, FEB, feb)
    publish_month(town, MAR, mar)
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

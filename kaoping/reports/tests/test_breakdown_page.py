"""The breakdown page on the demo's year: the indicator score beside its maximum and apart from the
weighted points, a passed veto that takes nothing away, and months that name their year."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaoping.accounts.models import User
from kaoping.results.models import MonthlyResult


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def _page(client, month: str = "2026-10") -> str:
    result = (
        MonthlyResult.objects.filter(
            period__town__slug="xiacun", period__month=f"{month}-01", cadre__population="agency"
        )
        .select_related("cadre")
        .order_by("rank", "cadre_id")
        .first()
    )
    client.force_login(User.objects.get(username="kaohe"))
    url = reverse("scoring:breakdown", args=["xiacun", month, result.cadre_id])
    return client.get(url, headers={"accept-language": "zh-hans"}).content.decode()


@pytest.mark.django_db
def test_the_indicator_score_is_shown_out_of_its_maximum_and_the_weighted_points_apart(demo, client):
    html = _page(client)
    assert "指标得分/分值" in html and "加权得分" in html
    row = html[html.index("招商引资") :]
    row = row[: row.index("</tr>")]
    # 2.1 招商引资: maximum 7 by the standard, weight 9 this month; the score is read out of 7.
    assert " / 7</td>" in row
    assert "分值" not in html[html.index("<thead") : html.index("</thead>")].replace("指标得分/分值", "")
    assert 'id="breakdown-legend"' in html


@pytest.mark.django_db
def test_a_passed_veto_shows_no_points_lost(demo, client):
    html = _page(client)
    row = html[html.index("党风廉政一票否决") :]
    row = row[: row.index("</tr>")]
    assert "已通过，不影响得分" in row
    assert "0.00" not in row


@pytest.mark.django_db
def test_the_months_of_the_rank_table_name_their_year(demo, client):
    html = _page(client)
    table = html[html.index("逐月排名") :]
    assert ">2025-12</a></th>" in table and ">2026-01</a></th>" in table


@pytest.mark.django_db
def test_a_rated_cadre_s_month_shows_the_democratic_line_and_an_unrated_quarter_none(demo, client):
    # A leadership member is rated every quarter: July 2026 was published before its round and
    # corrected after it; October's round is not held yet.
    cadre_id = (
        MonthlyResult.objects.filter(period__month="2026-07-01", cadre__population="leadership")
        .values_list("cadre_id", flat=True)
        .first()
    )
    client.force_login(User.objects.get(username="kaohe"))
    pages = {
        month: client.get(
            reverse("scoring:breakdown", args=["xiacun", month, cadre_id]),
            headers={"accept-language": "zh-hans"},
        ).content.decode()
        for month in ("2026-07", "2026-10")
    }
    assert "民主评议" in pages["2026-07"] and "本月无民主评议" not in pages["2026-07"]
    assert "本月无民主评议" in pages["2026-10"]
    # The share as the percentage it is, and the sum it makes of the assessment score (20% in the demo).
    july = MonthlyResult.objects.get(period__month="2026-07-01", cadre_id=cadre_id)
    democratic, assessment = f"{july.democratic:.2f}", f"{Decimal(july.breakdown['assessment']):.2f}"
    assert (
        f"民主评议 {democratic} 分，占总分的 20%：{assessment} × 80% + {democratic} × 20%" in pages["2026-07"]
    )

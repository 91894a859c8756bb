"""The ranking page and its Excel export: ranks, and what decided between equal scores."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def quarter(town, personas):
    """April and May: 王小明 and 李强 both average 85.00; 王小明 has the higher mean performance."""
    scheme = testing.make_scheme(town, tie_breaks=["performance", "democratic"])
    a, b = personas["cadre"].cadre, testing.make_cadre(town, "李强", 1)
    values = {4: (("90", "90", 1), ("80", "79", 2)), 5: (("80", "80", 2), ("90", "90", 1))}
    for month, rows in values.items():
        period = Period.objects.create(town=town, month=date(2026, month, 1), status=PeriodStatus.PUBLISHED)
        for cadre, (total, performance, rank) in zip((a, b), rows, strict=True):
            MonthlyResult.objects.create(
                period=period,
                cadre=cadre,
                scheme=scheme,
                total=Decimal(total),
                performance=Decimal(performance),
                bonus=Decimal(total) - Decimal(performance),
                deduction=0,
                rank=rank,
                group=cadre.agency_category,
                group_rank=rank,
                breakdown={},
            )
    return a, b


def _url(town, name, **query):
    base = reverse(f"scoring:{name}", kwargs={"town": town.slug, "month": "2026-05"})
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


DECIDED = "Same score as 王小明; by “Higher performance score”: 85.00 &gt; 84.50"


def test_the_quarter_page_ranks_equal_means_by_the_chain_and_shows_what_decided(
    client_for, personas, town, quarter
):
    response = client_for(personas["assessment_office"]).get(_url(town, "ranking", span="quarter"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ties are first broken by: Higher performance score → Higher democratic-evaluation score" in page
    assert "each compared as its mean over the months counted" in page
    assert [(r.cadre.name, r.rank) for r in response.context["rows"]] == [("王小明", 1), ("李强", 2)]
    assert DECIDED in page


def test_a_cadre_sees_the_same_on_published_months(client_for, personas, town, quarter):
    response = client_for(personas["cadre"]).get(_url(town, "ranking", span="quarter"))
    assert response.status_code == 200
    assert DECIDED in response.content.decode()


def test_the_export_has_a_column_saying_what_decided(client_for, personas, town, quarter):
    response = client_for(personas["assessment_office"]).get(_url(town, "ranking_export", span="quarter"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[-1] == "Order of equal scores decided by"
    body = [dict(zip(header, row, strict=True)) for row in rows[1:] if any(row)]
    assert [(r["Rank"], r["Name"], r["Score"]) for r in body] == [(1, "王小明", 85), (2, "李强", 85)]
    assert body[0]["Order of equal scores decided by"] in (None, "")
    assert body[1]["Order of equal scores decided by"] == DECIDED.replace("&gt;", ">")


def test_a_month_page_shows_what_decided_between_its_equal_totals(client_for, personas, town, quarter):
    a, b = quarter
    MonthlyResult.objects.filter(period__month=date(2026, 5, 1), cadre=b).update(total=80, performance=79)
    MonthlyResult.objects.filter(period__month=date(2026, 5, 1), cadre=a).update(rank=1)
    MonthlyResult.objects.filter(period__month=date(2026, 5, 1), cadre=b).update(rank=2)
    response = client_for(personas["assessment_office"]).get(_url(town, "ranking", span="month"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Same score as 王小明; by “Higher performance score”: 80.00 &gt; 79.00" in page

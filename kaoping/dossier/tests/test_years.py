"""The dossier's year at a glance: each year's months and ranks, democratic evaluation, lagging lists,
annual grade and honour, pay (the cadre's own, and the readers of every amount only) and objections,
on the page and in the Word document, in a fixed number of queries whatever the years."""

import io

import pytest
from django.urls import reverse
from docx import Document

from kaoping import testing
from kaoping.dossier.sample import add_history
from kaoping.dossier.sections import Viewer
from kaoping.dossier.years import load_years, table_years
from kaoping.pay import services as pay
from kaoping.pay.models import PayPlan, PlanStatus
from kaoping.testing import english_client, in_english  # noqa: F401
from kaoping.yearbook.tests.conftest import institution, staff, year  # noqa: F401

YEAR = 2026


@pytest.fixture
def approved(year, town, office, personas):  # noqa: F811
    """The non-established bonus approved by the main leader."""
    plan = PayPlan.objects.get(town=town, year=YEAR)
    pay.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    plan.refresh_from_db()
    pay.plan_move(
        actor=personas["main_leader"],
        plan=plan,
        to=PlanStatus.APPROVED,
        based_on=plan.version,
        confirmed=True,
    )
    return year


def _url(town, cadre, name="page"):
    return reverse(f"dossier:{name}", kwargs={"town": town.slug, "pk": cadre.pk})


@pytest.mark.django_db
def test_a_year_at_a_glance_gathers_every_area(approved, town, personas):
    a = approved[0]
    years = load_years(a, Viewer(personas["main_leader"], town))
    (row,) = years.rows
    assert (row.year, row.months, row.mean_total, row.best, row.worst) == (2026, 2, 95, 1, 1)
    assert row.grade.startswith("Excellent (优秀)") and "rank 1 in the pool" in row.grade
    assert row.honour == ["Excellent agency cadre"]
    # 10 000 yuan by tiers: 甲 1.2 of the five graded members' weights 1.2 + 4 × 1.0.
    assert years.pay_shown and len(row.pay) == 1 and row.pay[0].endswith("：2,307.69")
    assert row.lagging == [] and row.appeals == ""
    d = approved[3]
    (listed,) = load_years(d, Viewer(personas["main_leader"], town)).rows
    assert listed.lagging == ["Q1（statement made）"]
    assert listed.grade.startswith("No grade")
    assert listed.pay and "not paid" in listed.pay[0]
    c = approved[2]
    (objected,) = load_years(c, None).rows
    assert objected.appeals == "1 objections, 1 reviews; 0 changed the result"


@pytest.mark.django_db
def test_pay_is_shown_to_the_cadre_and_the_readers_of_every_amount_only(approved, town, personas):
    a = approved[0]
    own = testing.make_user("jia", town=town, role=None, cadre=a)
    for viewer, shown in (
        (own, True),
        (personas["assessment_office"], True),
        (personas["main_leader"], True),
        (personas["party_building_office"], False),
    ):
        years = load_years(a, Viewer(viewer, town))
        assert years.pay_shown is shown, viewer
        assert ("Pay (yuan)" in table_years(years).headers) is shown
    assert load_years(a, None).pay_shown is False


@pytest.mark.django_db
def test_the_page_and_the_document_show_the_year(approved, client_for, personas, town):
    a = approved[0]
    page = client_for(personas["party_building_office"]).get(_url(town, a)).content.decode()
    section = page.split('id="years"')[1].split("</section>")[0]
    assert "Excellent agency cadre" in section and 'id="year-2026"' in section
    assert "Pay (yuan)" not in section
    own = testing.make_user("jia", town=town, role=None, cadre=a)
    section = (
        client_for(own).get(_url(town, a)).content.decode().split('id="years"')[1].split("</section>")[0]
    )
    assert "Pay (yuan)" in section
    response = client_for(personas["assessment_office"]).get(_url(town, a, "docx"))
    doc = Document(io.BytesIO(response.content))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert "Excellent agency cadre" in cells
    assert any("不在编人员奖金" in c and "2,307.69" in c for c in cells)  # the office reads every amount


@pytest.mark.django_db
def test_more_years_are_read_with_the_same_queries(approved, town, personas, django_assert_num_queries):
    a = approved[0]
    viewer = Viewer(personas["main_leader"], town)
    with django_assert_num_queries(QUERIES):
        assert len(load_years(a, viewer).rows) == 1
    add_history(a, years=[2023, 2024, 2025], actor=personas["assessment_office"])
    with django_assert_num_queries(QUERIES):
        rows = load_years(a, viewer).rows
    assert [r.year for r in rows] == [2026, 2025, 2024, 2023]
    assert rows[1].months == 12 and len(rows[1].democratic) == 4 and rows[1].lagging


# Months, rounds, lagging lists, honours (three: 甲 was 优秀), annual years, pay (two), objections.
QUERIES = 10

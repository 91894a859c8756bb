"""The town's annual report: its figures from a built year, the empty year, who reads it, another
town's year, the Word document's content, the PDF and a fixed number of queries."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.accounts.permissions import POLICY, Action
from kaoping.core import documents as house_style
from kaoping.people.models import AgencyCategory
from kaoping.testing import JAN, publish_month
from kaoping.yearbook import report as reports

from .conftest import YEAR

TODAY = date(2026, 11, 30)


def _part(report, key):
    return next(p for p in report.parts if p.key == key)


def _cells(block):
    return [dict(zip(block.headers, row, strict=True)) for row in block.rows]


def _url(town, name="year", year=YEAR):
    kwargs = {"town": town.slug} if name == "report" else {"town": town.slug, "year": year}
    return reverse(f"yearbook:{name}", kwargs=kwargs)


def test_the_policy_names_who_reads_the_towns_report():
    assert POLICY[Action.VIEW_YEARBOOK] == {
        Role.ASSESSMENT_OFFICE,
        Role.PARTY_BUILDING_OFFICE,
        Role.MAIN_LEADER,
        Role.GROUP_LEADER,
        Role.CITY_ADMIN,
    }
    assert Role.CADRE not in POLICY[Action.VIEW_YEARBOOK]


@pytest.mark.django_db
def test_the_report_states_the_years_figures(town, year):
    report = reports.build(town, YEAR, today=TODAY)
    assert report.title == "夏村镇2026年度干部综合考评报告"
    assert [p.key for p in report.parts] == reports.PART_KEYS
    assert report.provisional and "2 of 12 months" in report.status and "2026年11月30日" in report.status

    summary = dict(_part(report, "summary").blocks[0].rows)
    assert summary["Months published"] == "2"
    assert summary["Cadres assessed (with a published month)"] == "9"

    grades = {row["Pool"]: row for row in _cells(_part(report, "grades").blocks[0])}
    bonus = grades["Non-established staff"]
    # Six members, 丁 undetermined and not counted: 5 graded, floor(20% × 5) = 1 优秀 place (甲).
    assert (
        bonus["Graded"],
        bonus["优秀"],
        bonus["优秀 quota"],
        bonus["优秀 share"],
        bonus["Not determined"],
    ) == (
        "5",
        "1",
        "1",
        "20%",
        "1",
    )
    established = next(row for label, row in grades.items() if row["Graded"] == "3")
    assert (established["优秀"], established["优秀 quota"]) == ("0", "0")
    assert any("No raise of the 优秀 share" in line for line in _part(report, "grades").blocks[0].lines)

    honours = _part(report, "honours").blocks
    assert [row[0] for row in honours[0].rows] == ["甲"]
    assert honours[1].rows == [] and honours[1].empty == "No excellent village head."

    pay = _cells(_part(report, "pay").blocks[0])
    assert pay[0]["Pool (yuan)"] == "10,000.00" and pay[0]["Distributed (yuan)"] == "10,000.00"
    assert (pay[0]["Members paid"], pay[0]["Not paid"]) == ("5", "1")
    assert pay[1]["Status"] == "Not set up"
    assert "甲" not in str(_part(report, "pay").blocks)  # no one's amount in the town's report

    q1, q2, q3, q4 = _part(report, "lagging").blocks
    (listed,) = _cells(q1)
    assert listed["Name"] == "丁" and listed["Statement"] == "Made on 2026-04-10"
    assert "2026-02: rank 6 of 6, total 64.00" in listed["Why listed"]
    assert q2.rows == [] and q2.empty == "The lagging list is not final yet."  # the draft is not shown
    assert q3.empty == q4.empty == "No quarterly meeting recorded."

    (case,) = _cells(_part(report, "exemplary").blocks[0])
    assert (case["Month"], case["Name"], case["Citation"]) == ("2026-02", "甲", "招商引资攻坚克难典型")

    objection, review, grade_objection, grade_review = _cells(_part(report, "appeals").blocks[0])
    assert objection["About · stage"] == "Monthly results · Objection"
    assert (objection["Raised"], objection["Changed the result"], objection["Waiting for an answer"]) == (
        "2",
        "1",
        "1",
    )
    assert (review["Raised"], review["Result kept"]) == ("1", "1")
    # The grades' objections count with the year graded, whenever they were raised.
    assert grade_objection["About · stage"] == "Annual grades · Objection"
    assert (grade_objection["Raised"], grade_objection["Result kept"]) == ("1", "1")
    assert grade_review["Raised"] == "0"


@pytest.mark.django_db
def test_an_empty_year_says_so_in_every_part(town, year):
    report = reports.build(town, 2024, today=TODAY)
    for part in report.parts:
        assert part.blocks == [] and part.empty, part.key
    assert "年度尚未评定" in _part(report, "grades").empty
    assert report.provisional and "only 0 of the year's 12 months" in report.status


@pytest.mark.django_db
def test_another_towns_year_is_not_counted(town, other_town, year):
    stranger = testing.make_cadre(other_town, "外镇", 900, agency_category=AgencyCategory.NON_ESTABLISHED)
    publish_month(other_town, JAN, {stranger: "99"})
    report = reports.build(other_town, YEAR, today=TODAY)
    assert dict(_part(report, "summary").blocks[0].rows)["Cadres assessed (with a published month)"] == "1"
    for key in ("grades", "honours", "pay", "lagging", "exemplary", "appeals"):
        assert _part(report, key).blocks == [], key
    mine = reports.build(town, YEAR, today=TODAY)
    assert dict(_part(mine, "summary").blocks[0].rows)["Cadres assessed (with a published month)"] == "9"


@pytest.mark.django_db
def test_the_report_reads_a_fixed_number_of_queries(town, year, office, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        reports.build(town, YEAR, today=TODAY)
    # More cadres, another final list and more objections: the same queries.
    more = [
        testing.make_cadre(town, f"新{n}", 500 + n, agency_category=AgencyCategory.NON_ESTABLISHED)
        for n in range(4)
    ]
    publish_month(town, date(2026, 3, 1), {c: "80" for c in more})
    with django_assert_num_queries(QUERIES):
        reports.build(town, YEAR, today=TODAY)


QUERIES = 19


@pytest.mark.django_db
def test_the_page_shows_each_part_and_the_downloads(client_for, personas, town, year):
    response = client_for(personas["main_leader"]).get(_url(town))
    assert response.status_code == 200
    page = response.content.decode()
    for key in reports.PART_KEYS:
        assert f'id="{key}"' in page
    assert "夏村镇2026年度干部综合考评报告" in page
    assert _url(town, "docx") in page
    assert "招商引资攻坚克难典型" in page


@pytest.mark.django_db
def test_the_year_picker_goes_to_the_year_and_a_year_out_of_range_is_not_found(client_for, personas, town):
    client = client_for(personas["assessment_office"])
    response = client.get(_url(town, "report") + "?year=2025")
    assert response.status_code == 302 and response["Location"] == _url(town, year=2025)
    assert client.get(_url(town, "report") + "?year=abc").status_code == 200
    assert client.get(_url(town, year=1999)).status_code == 404
    assert "年度尚未评定" in client.get(_url(town, year=2025)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["year", "docx", "pdf"])
def test_a_cadre_is_refused_and_another_town_is_not_found(client_for, personas, town, other_town, name):
    assert client_for(personas["cadre"]).get(_url(town, name)).status_code == 403
    assert client_for(personas["other_town_admin"]).get(_url(town, name)).status_code == 404
    assert client_for(personas["assessment_office"]).get(_url(other_town, name)).status_code == 404


@pytest.mark.django_db
def test_the_word_document_holds_the_report_in_the_house_style(client_for, personas, town, year):
    response = client_for(personas["assessment_office"]).get(_url(town, "docx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "夏村镇2026年度干部综合考评报告" in text
    assert "Provisional" in text and "2026" in text
    for number, part in zip("一二三四五六七", reports.build(town, YEAR).parts, strict=True):
        assert f"{number}、{part.title}" in text
    assert "No quarterly meeting recorded." in text  # Q3: said, not a blank table
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"10,000.00", "甲", "丁", "招商引资攻坚克难典型", "Made on 2026-04-10"} <= cells
    # Every table repeats its header row on each page; the footer numbers the pages.
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer


@pytest.mark.django_db
def test_the_word_document_of_an_empty_year_says_nothing_is_there(client_for, personas, town):
    response = client_for(personas["main_leader"]).get(_url(town, "docx", year=2024))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "年度尚未评定" in text and "No pay plan is set up for 2024 yet." in text
    assert not doc.tables


@pytest.mark.django_db
@pytest.mark.skipif(house_style.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_pdf_is_made_by_libreoffice(client_for, personas, town, year):
    response = client_for(personas["city_admin"]).get(_url(town, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_an_approved_raise_of_the_share_is_stated(town, year, personas):
    from django.utils import timezone

    from kaoping.annual.models import YearSettings

    YearSettings.objects.create(
        town=town,
        year=YEAR,
        excellent_share="0.25",
        share_set_by=personas["assessment_office"],
        share_approved_by=personas["main_leader"],
        share_approved_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 10)),
    )
    lines = _part(reports.build(town, YEAR, today=TODAY), "grades").blocks[0].lines
    assert "The 优秀 share was raised to 25%, approved by the main leader on 2026年3月2日." in lines

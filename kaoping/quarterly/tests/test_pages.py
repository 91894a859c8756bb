"""The quarterly pages: what each role sees and may do, bad input, stale saves, the record's documents."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.people.models import Population
from kaoping.quarterly import services
from kaoping.quarterly.models import LaggingRule, ListStatus, Meeting, Rectification, RectificationStatus
from kaoping.testing import FEB, MAR, publish_month

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"quarterly:{name}", args=[town.slug, *args])


def test_the_rules_page_says_each_rule_and_the_reading_in_force(client_for, office, town):
    page = client_for(office).get(url("rule_list", town)).content.decode()
    assert "Leadership members ranked last in each of 2 consecutive months" in page
    assert "Agency cadres ranked in the bottom 5 in the quarter&#x27;s last published month" in page
    assert "applies to the leadership members&#x27; rule only" in page


def test_a_rule_is_saved_in_words_and_audited(client_for, office, town):
    response = client_for(office).post(
        url("rule_list", town) + "?edit=agency:",
        {
            "rule": "agency:",
            "who": "agency:",
            "bottom": "３",
            "consecutive": "on",
            "months": "2",
            "missing": "skip",
            "active": "on",
            "version": "0",
        },
    )
    assert response.status_code == 302
    rule = LaggingRule.objects.get(town=town, population=Population.AGENCY, pool="")
    assert (rule.bottom, rule.consecutive, rule.months, rule.missing) == (3, True, 2, "skip")
    page = client_for(office).get(url("rule_list", town)).content.decode()
    assert "applies to some of the bottom-K rules" in page
    assert AuditEntry.objects.filter(action="lagging_rule.update").get().new["bottom"] == 3


@pytest.mark.parametrize("bottom", ["abc", "0", "1e3", "99999999999", "-1"])
def test_a_bad_number_of_places_is_refused_with_a_message_and_nothing_changes(
    client_for, office, town, bottom
):
    response = client_for(office).post(
        url("rule_list", town) + "?edit=agency:",
        {
            "rule": "agency:",
            "who": "agency:",
            "bottom": bottom,
            "months": "2",
            "missing": "skip",
            "version": "0",
        },
    )
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not LaggingRule.objects.filter(town=town).exists()


def test_a_stale_rule_save_is_refused(client_for, office, town):
    data = {
        "rule": "agency:",
        "who": "agency:",
        "bottom": "4",
        "months": "2",
        "missing": "skip",
        "active": "on",
    }
    client = client_for(office)
    client.post(url("rule_list", town), {**data, "version": "0"})
    rule = LaggingRule.objects.get(town=town, population="agency", pool="")
    client.post(url("rule_list", town), {**data, "bottom": "3", "version": str(rule.version)})
    response = client.post(url("rule_list", town), {**data, "bottom": "2", "version": str(rule.version)})
    assert "after you opened the page" in response.content.decode()
    rule.refresh_from_db()
    assert rule.bottom == 3


def test_the_office_prepares_a_meeting_and_a_stale_edit_is_refused(client_for, office, town):
    client = client_for(office)
    response = client.post(
        url("meeting_create", town),
        {"year": "2026", "quarter": "1", "title": "一季度会议", "held_on": "2026-04-10", "place": "会议室"},
    )
    meeting = Meeting.objects.get(town=town)
    assert response.status_code == 302 and meeting.lagging_list.status == ListStatus.DRAFT
    edit = {"title": "改", "held_on": "2026-04-11", "place": "礼堂", "version": str(meeting.version)}
    assert client.post(url("meeting_edit", town, meeting.pk), edit).status_code == 302
    response = client.post(url("meeting_edit", town, meeting.pk), {**edit, "title": "再改"})
    assert "after you opened the page" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "改"


def test_a_second_meeting_for_the_quarter_is_refused(client_for, office, town, meeting):
    response = client_for(office).post(
        url("meeting_create", town),
        {"year": "2026", "quarter": "1", "title": "again", "held_on": "2026-04-10", "place": "x"},
    )
    assert "has a meeting already" in response.content.decode()
    assert Meeting.objects.filter(town=town).count() == 1


def test_a_draft_list_is_the_offices_and_a_final_one_the_towns(
    client_for, office, personas, town, quarter, meeting
):
    services.list_compute(actor=office, meeting=meeting)
    cadre = client_for(personas["cadre"])
    page = cadre.get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "being prepared by the assessment office" in page and "庚" not in page
    entry = meeting.lagging_list.entries.get(cadre__name="庚")
    assert cadre.get(url("entry_detail", town, meeting.pk, entry.pk)).status_code == 404
    office_page = client_for(office).get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "庚" in office_page and "2026-03: rank 7 of 7, total 72.00" in office_page
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    page = client_for(personas["cadre"]).get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "庚" in page


def test_finalising_from_the_page_needs_the_ticked_confirmation(client_for, office, town, quarter, meeting):
    client = client_for(office)
    client.post(url("list_compute", town, meeting.pk))
    client.post(url("list_finalise", town, meeting.pk))
    meeting.lagging_list.refresh_from_db()
    assert meeting.lagging_list.status == ListStatus.DRAFT
    client.post(url("list_finalise", town, meeting.pk), {"confirmed": "1"})
    meeting.lagging_list.refresh_from_db()
    assert meeting.lagging_list.status == ListStatus.FINAL


def test_exempting_from_the_page_without_a_reason_changes_nothing(client_for, office, town, quarter, meeting):
    client = client_for(office)
    client.post(url("list_compute", town, meeting.pk))
    entry = meeting.lagging_list.entries.get(cadre__name="庚")
    client.post(url("entry_exempt", town, meeting.pk, entry.pk), {"reason": " "})
    entry.refresh_from_db()
    assert not entry.exempt
    client.post(url("entry_exempt", town, meeting.pk, entry.pk), {"reason": "病假"})
    entry.refresh_from_db()
    assert entry.exempt and entry.exempt_reason == "病假"


@pytest.fixture
def reviewed_setup(town, quarter, meeting, office):
    services.list_compute(actor=office, meeting=meeting)
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    entries = list(meeting.lagging_list.entries.all())
    for entry in entries:
        services.statement_record(
            actor=office, entry=entry, made_on=date(2026, 4, 10), text=f"{entry.cadre.name}表态"
        )
        services.rectification_record(
            actor=office, entry=entry, measures="逐项整改", deadline=date(2026, 6, 1)
        )
    return entries


def test_the_group_leader_closes_a_rectification_from_its_page_after_confirming(
    client_for, office, personas, town, reviewed_setup
):
    rect = Rectification.objects.get(entry=reviewed_setup[0])
    office_page = client_for(office).get(url("rectification_detail", town, rect.pk)).content.decode()
    assert "Closing review" not in office_page  # the office recorded the plan and holds no review right
    leader = client_for(personas["group_leader"])
    page = leader.get(url("rectification_detail", town, rect.pk)).content.decode()
    assert "Closing review" in page and "cannot be reopened" in page
    data = {"kind": "review", "outcome": "completed", "review": "已整改", "version": str(rect.version)}
    leader.post(url("rectification_detail", town, rect.pk), data)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.OPEN  # not confirmed
    leader.post(url("rectification_detail", town, rect.pk), {**data, "confirmed": "1"})
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.COMPLETED


def test_a_group_leader_of_another_population_cannot_review(client_for, town, reviewed_setup):
    rect = Rectification.objects.get(entry=reviewed_setup[0])
    other = testing.make_user("leader_village", town=town, role="group_leader", population=Population.VILLAGE)
    client = client_for(other)
    assert "Closing review" not in client.get(url("rectification_detail", town, rect.pk)).content.decode()
    data = {
        "kind": "review",
        "outcome": "completed",
        "review": "x",
        "version": str(rect.version),
        "confirmed": "1",
    }
    client.post(url("rectification_detail", town, rect.pk), data)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.OPEN


def test_the_open_rectifications_page_flags_the_overdue_ones_in_a_fixed_number_of_queries(
    client_for, personas, town, reviewed_setup, django_assert_max_num_queries
):
    client = client_for(personas["cadre"])
    client.get(url("rectification_list", town))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(url("rectification_list", town))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("table-danger") == len(reviewed_setup)  # their deadline, 2026-06-01, has passed
    assert all(e.cadre.name in page for e in reviewed_setup)


def test_the_meeting_page_reads_its_list_in_a_fixed_number_of_queries(
    client_for, office, town, reviewed_setup, django_assert_max_num_queries
):
    client = client_for(office)
    client.get(url("meeting_detail", town, reviewed_setup[0].lagging_list.meeting_id))
    with django_assert_max_num_queries(20):
        response = client.get(url("meeting_detail", town, reviewed_setup[0].lagging_list.meeting_id))
    page = response.content.decode()
    assert page.count("Statement 2026-04-10") == len(reviewed_setup) == 5


def test_the_record_holds_visits_reports_the_list_with_reasons_and_the_statements(
    client_for, office, town, reviewed_setup
):
    meeting = reviewed_setup[0].lagging_list.meeting
    services.visit_add(actor=office, meeting=meeting, kind="village", name="东村", note="观摩人居环境")
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    leader = testing.make_cadre(town, "钱镇长", 301, population=Population.LEADERSHIP)
    services.report_add(
        actor=office, meeting=meeting, cadre=head, text="述职正文", comment_by=leader, comment="点评正文"
    )
    response = client_for(office).get(url("meeting_docx", town, meeting.pk))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    for expected in (
        "会议纪要",
        "现场观摩",
        "东村",
        "述职正文",
        "钱镇长点评：点评正文",
        "后进名单",
        "庚",
        "后进表态发言",
        "庚表态",
    ):
        assert expected in text, expected
    assert "2026-03：第7名（共7人），总分72.00" in text


def test_the_list_is_read_only_from_published_months(client_for, office, town, agency, meeting):
    publish_month(
        town,
        FEB,
        dict(zip(agency, ["95", "90", "88", "86", "80", "79", "70"], strict=True)),
    )
    publish_month(
        town,
        MAR,
        dict(zip(agency, ["1", "2", "3", "4", "5", "6", "7"], strict=True)),
        status="open",
    )
    client_for(office).post(url("list_compute", town, meeting.pk))
    assert meeting.lagging_list.entries.filter(cadre__name="甲").count() == 0

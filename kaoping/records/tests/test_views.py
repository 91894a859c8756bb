"""The records pages: who sees and fills what (the object rules of the policy), bad files, the meeting."""

from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.files.models import Attachment
from kaoping.files.tests import samples
from kaoping.records import services
from kaoping.records.models import Decision, MonthRecord, RecordStatus

from .fixtures import MONTH, full_answers

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)


def edit_url(town, cadre, month=MONTH):
    return reverse("records:record_edit", args=[town.slug, cadre.pk, f"{month:%Y-%m}"])


def form_data(**overrides):
    data = {"version": "0", "submit": "0"}
    for h in ("post_duties", "key_tasks", "hard_problems", "moving_up"):
        data[f"none_{h}"] = "on"
    data["text_urgent_tasks"] = "完成防汛值守"
    data.update(overrides)
    return data


def submitted(area, cadre=None, user=None):
    return services.record_save(
        actor=user or area["user_a"],
        town=area["lead_a"].town,
        cadre=cadre or area["agency"][0],
        month=MONTH,
        answers=full_answers(),
        based_on=0,
        submit=True,
        today=TODAY,
    )


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_a_leader_fills_and_submits_a_record_from_the_page(client_for, area):
    town = area["lead_a"].town
    client = client_for(area["user_a"])
    page = client.get(reverse("records:mine", args=[town.slug]))
    assert page.status_code == 200 and "张一" in page.content.decode() and "赵村" not in page.content.decode()
    response = client.post(edit_url(town, area["agency"][0]), form_data(submit="1"))
    assert response.status_code == 302
    record = MonthRecord.objects.get()
    assert record.status == RecordStatus.SUBMITTED and not record.is_late


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_a_leader_cannot_open_a_cadre_outside_their_area(client_for, area):
    town = area["lead_a"].town
    assert client_for(area["user_b"]).get(edit_url(town, area["agency"][0])).status_code == 404
    assert client_for(area["user_a"]).get(edit_url(town, area["villager"])).status_code == 404
    # A cadre who leads nothing fills nothing.
    assert client_for(area["cadre_persona"].user).get(edit_url(town, area["agency"][0])).status_code == 404


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("恶意.jpg", samples.EXE, "not one of the accepted kinds"),
        ("空白.pdf", b"", "is empty"),
        ("超大.pdf", samples.PDF + b" " * 4096, "the limit is"),
    ],
)
def test_a_bad_file_on_the_page_gets_a_clear_message_and_stores_nothing(
    client_for, area, settings, name, content, message
):
    settings.KAOPING_UPLOAD_MAX_BYTES = 2048
    town = area["lead_a"].town
    data = form_data(files_key_tasks=SimpleUploadedFile(name, content))
    response = client_for(area["user_a"]).post(edit_url(town, area["agency"][0]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text and name in text
    assert not MonthRecord.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in Path(settings.KAOPING_FILES_DIR).rglob("*") if p.is_file()]


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_who_reads_a_record_and_downloads_its_attachments(client_for, area, personas):
    town = area["lead_a"].town
    answers = full_answers()
    answers["urgent_tasks"].uploads = [SimpleUploadedFile("现场.png", samples.PNG)]
    record = services.record_save(
        actor=area["user_a"],
        town=town,
        cadre=area["cadre_persona"],
        month=MONTH,
        answers=answers,
        based_on=0,
        submit=True,
        today=TODAY,
    )
    attachment = Attachment.objects.get()
    other_cadre = testing.make_user("other-cadre", town=town, role=None, cadre=area["agency"][1])
    readers = {
        "the leader who filled it": (area["user_a"], 200),
        "the cadre it is about": (personas["cadre"], 200),
        "the Party-building office": (personas["party_building_office"], 200),
        "the main leader": (personas["main_leader"], 200),
        "another leader": (area["user_b"], 404),
        "another cadre": (other_cadre, 404),
        "a scorer": (personas["scorer"], 404),
        "another town": (personas["other_town_admin"], 404),
    }
    for who, (user, status) in readers.items():
        client = client_for(user)
        assert (
            client.get(reverse("records:record_detail", args=[town.slug, record.pk])).status_code == status
        ), who
        download = client.get(reverse("files:download", args=[town.slug, attachment.pk]))
        assert download.status_code == status, who


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_a_cadre_reads_their_own_records_only(client_for, area, personas):
    town = area["lead_a"].town
    submitted(area, area["cadre_persona"])
    submitted(area, area["agency"][0])
    page = client_for(personas["cadre"]).get(reverse("records:own", args=[town.slug])).content.decode()
    assert "甲分管" in page and page.count("card-header") == 1


@time_machine.travel("2026-05-28 09:00 +0800", tick=False)
def test_the_office_sees_completeness_in_a_fixed_number_of_queries(
    client_for, area, django_assert_num_queries
):
    town = area["lead_a"].town
    submitted(area)
    client = client_for(area["office"])
    url = reverse("records:completeness", args=[town.slug]) + "?month=2026-05"
    client.get(url)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "甲分管" in text and "乙分管" in text and "赵村" in text
    for i in range(5):
        testing.make_cadre(town, f"新人{i}", 700 + i)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_the_office_returns_a_record_and_the_leader_sees_why(client_for, area):
    town = area["lead_a"].town
    record = submitted(area)
    client = client_for(area["office"])
    client.post(
        reverse("records:record_return", args=[town.slug, record.pk]),
        {"reason": "请补充数据", "version": record.version},
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED
    page = client_for(area["user_a"]).get(reverse("records:mine", args=[town.slug])).content.decode()
    assert "请补充数据" in page


@time_machine.travel("2026-06-03 09:00 +0800", tick=False)
def test_the_meeting_compiles_decides_and_archives_the_month(client_for, area):
    town = area["lead_a"].town
    record = submitted(area)
    client = client_for(area["office"])
    page = client.get(reverse("meetings:month", args=[town.slug, "2026-05"]))
    assert page.status_code == 200 and "张一" in page.content.decode()
    docx = client.get(reverse("meetings:month_docx", args=[town.slug, "2026-05"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    client.post(
        reverse("meetings:decide", args=[town.slug, record.pk]),
        {"kind": "exemplary", "citation": "牵头化解信访积案", "decided_on": "2026-06-03"},
    )
    assert Decision.objects.get().kind == "exemplary"
    refused = client.post(
        reverse("meetings:archive", args=[town.slug, "2026-05"]), {"meeting_on": "2026-06-03"}
    )
    assert refused.status_code == 302 and not services.selectors.is_archived(town, MONTH)
    client.post(
        reverse("meetings:archive", args=[town.slug, "2026-05"]),
        {"meeting_on": "2026-06-03", "confirmed": "1"},
    )
    assert services.selectors.is_archived(town, MONTH)
    # Archived: the decision cannot change, and the page says so.
    response = client.post(
        reverse("meetings:decide", args=[town.slug, record.pk]),
        {"kind": "noted", "citation": "", "decided_on": "2026-06-03"},
        follow=True,
    )
    assert "archived" in response.content.decode()
    assert Decision.objects.get().kind == "exemplary"
    exemplary = client.get(reverse("records:exemplary", args=[town.slug]) + "?year=2026").content.decode()
    assert "牵头化解信访积案" in exemplary


@time_machine.travel("2026-05-20 09:00 +0800", tick=False)
def test_the_office_sets_the_deadline_and_assigns_an_area(client_for, area):
    town = area["lead_a"].town
    client = client_for(area["office"])
    response = client.post(
        reverse("records:setup", args=[town.slug]),
        {"form": "settings", "deadline_day": "30", "version": "0"},
    )
    assert response.status_code == 200 and "28" in response.content.decode()
    client.post(
        reverse("records:setup", args=[town.slug]), {"form": "settings", "deadline_day": "20", "version": "0"}
    )
    assert services.selectors.settings_for(town).deadline_day == 20
    assert not services.selectors.settings_for(town).weekend_moves_to_monday


@time_machine.travel("2026-06-03 09:00 +0800", tick=False)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_the_meeting_pages_exactly_if_it_reads_every_record(client_for, area, personas, role):
    town = area["lead_a"].town
    submitted(area)
    client = client_for(personas[role.value])
    allowed = role in {Role.PARTY_BUILDING_OFFICE, Role.MAIN_LEADER, Role.ASSESSMENT_OFFICE, Role.CITY_ADMIN}
    for name in ("meetings:month", "meetings:month_docx"):
        response = client.get(reverse(name, args=[town.slug, "2026-05"]))
        assert response.status_code == (200 if allowed else 403), name
    # A month without records has nothing to review.
    if allowed:
        assert client.get(reverse("meetings:month", args=[town.slug, "2026-04"])).status_code == 404

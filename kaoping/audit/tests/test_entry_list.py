import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping.accounts.models import RoleAssignment
from kaoping.audit.services import record
from kaoping.testing import make_cadre

URL = reverse("audit:entry_list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def listed(response) -> set[str]:
    return {entry.object_repr for entry in response.context["page"].object_list}


@pytest.fixture
def entries(town, other_town, personas):
    cadre = make_cadre(town, "王小明", 1)
    record(
        actor=personas["town_admin"],
        action="cadre.update",
        target=cadre,
        old={"position": "科员"},
        new={"position": "副科"},
    )
    record(actor=personas["assessment_office"], action="department.create", target=town.departments.get())
    record(
        actor=personas["other_town_admin"],
        action="cadre.update",
        town=other_town,
        object_type="people.cadre",
        object_repr="南黄干部",
    )
    record(actor=None, action="account.locked", object_type="accounts.user", object_repr="无镇事件")


@pytest.mark.django_db
def test_an_auditor_sees_the_entries_of_their_town(auditor, entries):
    response = auditor.get(URL)
    assert response.status_code == 200
    assert {"王小明", "党政办公室"} <= listed(response)
    assert "audit/entry_list.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_an_auditor_does_not_see_another_towns_entries(auditor, entries):
    response = auditor.get(URL)
    assert "南黄干部" not in listed(response)
    assert "南黄干部" not in response.content.decode()


@pytest.mark.django_db
def test_entries_of_no_town_are_hidden_from_a_town_auditor(auditor, entries):
    assert "无镇事件" not in listed(auditor.get(URL))


@pytest.mark.django_db
def test_every_other_role_is_refused(client_for, personas, entries):
    for name, user in personas.items():
        if name == "auditor":
            continue
        assert client_for(user).get(URL).status_code == 403, name


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(client, entries):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.django_db
def test_an_auditor_of_two_towns_sees_both_and_can_pick_one(auditor, personas, other_town, entries):
    RoleAssignment.objects.create(user=personas["auditor"], role="auditor", town=other_town)
    assert {"王小明", "南黄干部"} <= listed(auditor.get(URL))
    assert listed(auditor.get(URL, {"town": other_town.pk})) == {"南黄干部"}


@pytest.mark.django_db
def test_picking_a_town_one_does_not_audit_shows_nothing_of_it(auditor, other_town, entries):
    response = auditor.get(URL, {"town": other_town.pk})
    assert "南黄干部" not in listed(response)
    assert response.context["form"].errors["town"]


@pytest.mark.django_db
def test_it_filters_by_user_name_or_display_name(auditor, personas, entries):
    assert listed(auditor.get(URL, {"user": "TOWN_ad"})) == {"王小明"}
    personas["assessment_office"].display_name = "李考核"
    personas["assessment_office"].save()
    assert listed(auditor.get(URL, {"user": "考核"})) == {"党政办公室"}


@pytest.mark.django_db
def test_it_filters_by_the_start_of_the_action(auditor, entries):
    assert listed(auditor.get(URL, {"action": "cadre."})) == {"王小明"}
    assert listed(auditor.get(URL, {"action": "department.create"})) == {"党政办公室"}
    assert listed(auditor.get(URL, {"action": "create"})) == set()


@pytest.mark.django_db
def test_it_filters_by_object_type(auditor, entries):
    response = auditor.get(URL, {"object_type": "people.department"})
    assert listed(response) == {"党政办公室"}
    assert ("people.cadre", "cadre") in response.context["form"].fields["object_type"].choices


@pytest.mark.django_db
def test_it_filters_by_text_in_the_object(auditor, entries):
    assert listed(auditor.get(URL, {"q": "小明"})) == {"王小明"}


@pytest.mark.django_db
def test_dates_are_days_in_the_towns_time_zone(auditor, town):
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI), tick=False):
        record(actor=None, action="cadre.update", town=town, object_repr="三月一日深夜")
    with time_machine.travel(dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI), tick=False):
        record(actor=None, action="cadre.update", town=town, object_repr="三月二日凌晨")
    assert listed(auditor.get(URL, {"date_to": "2026-03-01", "action": "cadre."})) == {"三月一日深夜"}
    assert listed(auditor.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-02"})) == {"三月二日凌晨"}


@pytest.mark.django_db
def test_a_reversed_date_range_is_reported_and_the_other_filters_still_apply(auditor, entries):
    response = auditor.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-01", "action": "cadre."})
    assert "The end date is before the start date." in response.content.decode()
    assert listed(response) == {"王小明"}


@pytest.mark.django_db
def test_an_htmx_request_gets_only_the_table(auditor, entries):
    response = auditor.get(URL, {"action": "cadre."}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "audit/_entry_table.html"
    assert html.startswith('<div id="entries">') and "<html" not in html
    assert "王小明" in html and "党政办公室" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_restoring_history_gets_the_whole_page(auditor, entries):
    response = auditor.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_fifty_entries_a_page_newest_first(auditor, town):
    for i in range(55):
        record(actor=None, action="cadre.update", town=town, object_repr=f"干部{i:02d}")
    first = auditor.get(URL, {"action": "cadre."})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0].object_repr == "干部54"
    second = auditor.get(URL, {"action": "cadre.", "page": 2})
    assert listed(second) == {f"干部{i:02d}" for i in range(5)}
    assert "action=cadre.&amp;page=1" in second.content.decode()


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_entries(auditor, town, personas):
    shown: list[str] = []

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = auditor.get(URL)
        assert response.status_code == 200
        shown.append(response.content.decode())
        return len(captured)

    record(actor=personas["scorer"], action="cadre.update", town=town, object_repr="一")
    few = queries()
    for i in range(30):
        record(
            actor=personas["scorer"] if i % 2 else personas["town_admin"],
            action=f"thing{i}.update",
            town=town,
            object_type="people.cadre",
            object_repr=str(i),
            old={"name": "a"},
            new={"name": "b"},
        )
    assert queries() == few
    assert all(f"thing{i}.update" in shown[-1] for i in range(0, 30, 7))  # the entries are on the page


@pytest.fixture
def city_auditor(client_for, db):
    from kaoping import testing

    user = testing.make_user("city_auditor", town=None, role=None)
    RoleAssignment.objects.create(user=user, role="auditor", town=None)
    return client_for(user)


@pytest.mark.django_db
def test_a_city_auditor_can_pick_the_entries_of_no_town(city_auditor, town, entries):
    form = city_auditor.get(URL).context["form"]
    assert ("none", "No town (system events)") in form.fields["town"].choices
    picked = city_auditor.get(URL, {"town": "none"}).context["page"].object_list
    assert "无镇事件" in {entry.object_repr for entry in picked}
    assert all(entry.town_id is None for entry in picked)
    assert "无镇事件" not in listed(city_auditor.get(URL, {"town": town.pk}))


@pytest.mark.django_db
def test_a_town_auditor_is_not_offered_the_entries_of_no_town(auditor, entries):
    assert "none" not in dict(auditor.get(URL).context["form"].fields["town"].choices)
    response = auditor.get(URL, {"town": "none"})
    assert "无镇事件" not in listed(response)
    assert response.context["form"].errors["town"]

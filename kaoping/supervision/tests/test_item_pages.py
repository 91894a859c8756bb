"""The item pages: follow-up notes, extensions, an owner's own items and the office's board filters."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from kaoping import testing
from kaoping.people.models import Department
from kaoping.supervision.models import EventKind, Item, ItemEvent, ItemStatus

from .conftest import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name, town, *args):
    return reverse(f"supervision:{name}", args=[town.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Follow-up notes ------------------------------------------------------------------------------


def test_an_owner_adds_a_follow_up_note_that_shows_in_the_timeline(client_for, personas, town, item):
    client = client_for(personas["cadre"])
    response = client.post(url("item_note", town, item.pk), {"text": "已完成东片区巡查"}, follow=True)
    assert messages_of(response) == ["Saved."]
    assert ItemEvent.objects.get(item=item, kind=EventKind.NOTE).text == "已完成东片区巡查"
    assert "已完成东片区巡查" in response.content.decode()


def test_an_empty_note_is_refused(client_for, personas, town, item):
    response = client_for(personas["cadre"]).post(url("item_note", town, item.pk), {"text": ""}, follow=True)
    assert messages_of(response) == ["Please fill in the form correctly."]
    assert not ItemEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_a_cadre_who_does_not_own_the_item_cannot_add_a_note(client_for, town, item):
    stranger = testing.make_cadre(town, "周敏", 950)
    user = testing.make_user("stranger", town=town, role=None, cadre=stranger)
    assert client_for(user).post(url("item_note", town, item.pk), {"text": "x"}).status_code == 403
    assert not ItemEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_a_closed_item_takes_no_more_notes(client_for, personas, town, item):
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.CLOSED, quality="good")
    response = client_for(personas["supervision_office"]).post(
        url("item_note", town, item.pk), {"text": "补充"}, follow=True
    )
    assert messages_of(response) == ["The item is closed; no more notes can be added."]


# --- Extensions -----------------------------------------------------------------------------------


def test_the_office_extends_an_open_item_with_a_reason(client_for, personas, town, item):
    response = client_for(personas["supervision_office"]).post(
        url("item_extend", town, item.pk), {"deadline": "2026-06-10", "reason": "雨季延误"}, follow=True
    )
    assert messages_of(response) == ["Saved."]
    item.refresh_from_db()
    assert item.deadline == date(2026, 6, 10)
    event = ItemEvent.objects.get(item=item, kind=EventKind.EXTENSION)
    assert (event.old_deadline, event.new_deadline, event.text) == (
        date(2026, 5, 20),
        date(2026, 6, 10),
        "雨季延误",
    )
    assert "2026-05-20 → 2026-06-10" in response.content.decode()


def test_an_extension_must_move_the_deadline_later(client_for, personas, town, item):
    response = client_for(personas["supervision_office"]).post(
        url("item_extend", town, item.pk), {"deadline": "2026-05-10", "reason": "x"}, follow=True
    )
    assert messages_of(response) == ["The new deadline must come after the current one (2026-05-20)."]
    item.refresh_from_db()
    assert item.deadline == date(2026, 5, 20)


def test_an_owner_cannot_extend_their_own_item(client_for, personas, town, item):
    response = client_for(personas["cadre"]).post(
        url("item_extend", town, item.pk), {"deadline": "2026-06-10", "reason": "想多几天"}, follow=True
    )
    assert messages_of(response) == ["Only the supervision office may do this."]
    item.refresh_from_db()
    assert item.deadline == date(2026, 5, 20)


# --- My items -------------------------------------------------------------------------------------


def test_my_items_lists_only_the_cadres_own_items_with_their_deadlines(
    client_for, personas, town, office, owner
):
    mine = make_item(office, town, [owner.cadre], title="秸秆禁烧巡查", deadline=date(2026, 5, 20))
    other = testing.make_cadre(town, "李娜", 901)
    co_owned = make_item(office, town, [other], [owner.cadre], title="河道清理", deadline=date(2026, 6, 3))
    make_item(office, town, [other], title="路灯维修", deadline=date(2026, 5, 25))
    page = client_for(personas["cadre"]).get(url("my_items", town))
    assert [i.pk for i in page.context["items"]] == [mine.pk, co_owned.pk]
    html = page.content.decode()
    assert "2026-05-20" in html and "2026-06-03" in html
    assert "路灯维修" not in html and "2026-05-25" not in html


def test_a_department_head_sees_the_items_of_their_department(client_for, town, office):
    department = Department.objects.get(town=town)
    head = testing.make_cadre(town, "孙主任", 960, is_middle_level=True, department=department)
    user = testing.make_user("head", town=town, role=None, cadre=head)
    item = make_item(office, town, [], department=department, title="档案整理")
    page = client_for(user).get(url("my_items", town))
    assert [i.pk for i in page.context["items"]] == [item.pk]


def test_my_items_is_for_cadres_only(client_for, personas, town):
    assert client_for(personas["supervision_office"]).get(url("my_items", town)).status_code == 403


# --- The board ------------------------------------------------------------------------------------


@pytest.fixture
def board_items(office, owner, town):
    roads = Department.objects.create(town=town, name="规划建设办公室")
    engineer = testing.make_cadre(town, "钱工", 970, department=roads)
    late = make_item(office, town, [owner.cadre], title="秸秆禁烧巡查", deadline=date(2026, 5, 20))
    started = make_item(office, town, [engineer], title="道路修缮", deadline=date(2026, 6, 30))
    Item.objects.filter(pk=started.pk).update(status=ItemStatus.IN_PROGRESS)
    by_department = make_item(office, town, [], department=roads, title="桥梁检测", deadline=date(2026, 7, 1))
    return {"late": late, "started": started, "by_department": by_department, "roads": roads}


def _titles(page) -> list[str]:
    return [i.title for i in page.context["items"]]


def test_the_board_filters_by_status(client_for, personas, town, board_items):
    client = client_for(personas["supervision_office"])
    assert _titles(client.get(url("board", town), {"status": "in_progress"})) == ["道路修缮"]
    assert _titles(client.get(url("board", town), {"status": "assigned"})) == ["秸秆禁烧巡查", "桥梁检测"]
    assert _titles(client.get(url("board", town))) == ["秸秆禁烧巡查", "道路修缮", "桥梁检测"]


def test_the_board_filters_by_department_through_the_owning_department_or_the_owners(
    client_for, personas, town, board_items
):
    page = client_for(personas["supervision_office"]).get(
        url("board", town), {"department": board_items["roads"].pk}
    )
    assert _titles(page) == ["道路修缮", "桥梁检测"]


def test_the_board_lists_overdue_items_only_when_asked(client_for, personas, town, board_items):
    client = client_for(personas["supervision_office"])
    with time_machine.travel(date(2026, 6, 1)):
        page = client.get(url("board", town), {"overdue": "1"})
    assert _titles(page) == ["秸秆禁烧巡查"]
    assert page.context["counts"]["overdue"] == 1
    assert 'class="badge text-bg-danger"' in page.content.decode()


def test_an_unknown_filter_value_is_ignored_rather_than_an_error(client_for, personas, town, board_items):
    page = client_for(personas["supervision_office"]).get(
        url("board", town), {"status": "lost", "department": "abc"}
    )
    assert page.status_code == 200 and len(_titles(page)) == 3

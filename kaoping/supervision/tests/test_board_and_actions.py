"""The board in sections with counts, the item's buttons as verbs, and the owner pickers' search."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from kaoping import testing
from kaoping.people.models import Department
from kaoping.supervision import services
from kaoping.supervision.models import Item, ItemStatus

from .conftest import make_item

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"supervision:{name}", args=[town.slug, *args])


@time_machine.travel(date(2026, 5, 15), tick=False)
def test_the_board_shows_overdue_then_due_soon_first_each_with_its_count(client_for, office, owner, town):
    make_item(office, town, [owner.cadre], title="已超期", deadline=date(2026, 5, 10))
    make_item(office, town, [owner.cadre], title="本周到期", deadline=date(2026, 5, 20))
    make_item(office, town, [owner.cadre], title="下月到期", deadline=date(2026, 6, 30))
    later = make_item(office, town, [owner.cadre], title="已报送", deadline=date(2026, 6, 30))
    Item.objects.filter(pk=later.pk).update(status=ItemStatus.SUBMITTED)
    response = client_for(office).get(url("board", town), headers={"accept-language": "zh-hans"})
    groups = [(g.key, [i.title for i in g.items]) for g in response.context["groups"]]
    assert groups == [
        ("overdue", ["已超期"]),
        ("due_soon", ["本周到期"]),
        ("assigned", ["下月到期"]),
        ("submitted", ["已报送"]),
    ]
    html = response.content.decode()
    assert html.index("已超期") < html.index("本周到期") < html.index("下月到期")
    assert "一周内到期" in html


def test_the_buttons_say_what_they_do_and_sending_back_is_a_warning(client_for, office, owner, town, item):
    services.item_move(actor=owner, item=item, to=ItemStatus.IN_PROGRESS)
    page = client_for(owner).get(url("item_detail", town, item.pk), headers={"accept-language": "zh-hans"})
    assert "报送结果" in page.content.decode()
    services.item_move(actor=owner, item=item, to=ItemStatus.SUBMITTED, result="已完成")
    html = (
        client_for(office)
        .get(url("item_detail", town, item.pk), headers={"accept-language": "zh-hans"})
        .content.decode()
    )
    assert 'btn-warning" type="submit" data-move="in_progress">退回重办<' in html
    assert 'btn-primary" type="submit" data-move="verified">核验通过<' in html
    # The rating starts empty: nothing is rated unless the office chooses.
    assert '<option value="" selected>请选择评定等次</option>' in html


def test_the_first_button_of_a_new_item_starts_the_work(client_for, owner, town, item):
    html = (
        client_for(owner)
        .get(url("item_detail", town, item.pk), headers={"accept-language": "zh-hans"})
        .content.decode()
    )
    assert 'data-move="in_progress">开始办理<' in html


def test_verifying_without_a_rating_is_refused_with_a_message(client_for, office, owner, town, item):
    services.item_move(actor=owner, item=item, to=ItemStatus.IN_PROGRESS)
    services.item_move(actor=owner, item=item, to=ItemStatus.SUBMITTED, result="已完成")
    response = client_for(office).post(
        url("item_move", town, item.pk),
        {"to": "verified", "quality": "", "confirmed": "1"},
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    assert [str(m) for m in response.context["messages"]] == ["核验前请评定办理质量。"]
    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED and item.quality == ""


def test_the_extension_asks_for_a_reason_not_a_name(client_for, office, town, item):
    html = (
        client_for(office)
        .get(url("item_detail", town, item.pk), headers={"accept-language": "zh-hans"})
        .content.decode()
    )
    assert 'for="reason">延期理由<' in html
    assert "项目名称" not in html


def test_the_owner_search_shows_each_person_with_their_department(client_for, office, town):
    roads = Department.objects.create(town=town, name="城建办")
    testing.make_cadre(town, "王建国", 960, department=roads)
    response = client_for(office).get(url("cadre_search", town), {"q": "王建", "field": "owners"})
    html = response.content.decode()
    assert "王建国" in html and "城建办" in html and 'data-pick="' in html
    by_department = client_for(office).get(url("cadre_search", town), {"q": "城建", "field": "co_owners"})
    assert "王建国" in by_department.content.decode()


def test_the_owner_search_finds_nobody_of_another_town(client_for, office, town):
    other = testing.make_town("dongling", "东岭镇")
    testing.make_cadre(other, "王建业", 961)
    html = (
        client_for(office).get(url("cadre_search", town), {"q": "王建", "field": "owners"}).content.decode()
    )
    assert "王建业" not in html


def test_only_the_office_may_search_people(client_for, owner, town):
    assert client_for(owner).get(url("cadre_search", town), {"q": "王", "field": "owners"}).status_code == 403


def test_the_search_runs_a_fixed_number_of_queries(client_for, office, town, django_assert_max_num_queries):
    for n in range(30):
        testing.make_cadre(town, f"张{n:02d}", 700 + n)
    client = client_for(office)
    with django_assert_max_num_queries(8):
        response = client.get(url("cadre_search", town), {"q": "张", "field": "owners"})
    assert response.content.decode().count("data-pick=") == 20


def test_people_picked_are_kept_when_the_form_is_refused(client_for, office, owner, town):
    response = client_for(office).post(
        url("item_create", town), {"title": "", "source": "meeting", "owners": [owner.cadre.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<input type="hidden" name="owners" value="{owner.cadre.pk}">' in html


def test_a_search_with_a_nul_character_finds_nobody_and_does_not_fail(client_for, office, town):
    response = client_for(office).get(url("cadre_search", town), {"q": "王\x00", "field": "owners"})
    assert response.status_code == 200

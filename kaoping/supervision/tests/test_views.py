from datetime import date

import pytest
from django.urls import reverse

from kaoping.supervision import services
from kaoping.supervision.models import Bulletin, BulletinStatus, ItemStatus

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"supervision:{name}", args=[town.slug, *args])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervision_office", 200),
        ("main_leader", 200),
        ("cadre", 403),
        ("scorer", 403),
        ("other_town_admin", 404),
    ],
)
def test_the_board_is_for_the_office_and_leaders(client_for, personas, town, who, status):
    assert client_for(personas[who]).get(url("board", town)).status_code == status


def test_an_owner_sees_their_items_with_deadlines_and_moves_them(client_for, personas, town, item):
    client = client_for(personas["cadre"])
    page = client.get(url("my_items", town))
    assert item.title in page.content.decode() and "2026-05-20" in page.content.decode()
    client.post(url("item_move", town, item.pk), {"to": ItemStatus.IN_PROGRESS})
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_an_office_user_registers_an_item_through_the_form(client_for, personas, town, owner):
    response = client_for(personas["supervision_office"]).post(
        url("item_create", town),
        {
            "source": "inspection",
            "title": "路灯维修",
            "urgency": "normal",
            "assigned_on": "2026-05-01",
            "deadline": "2026-05-10",
            "owners": [owner.cadre_id],
        },
    )
    assert response.status_code == 302


def test_a_published_bulletin_downloads_as_word_and_is_in_the_searchable_archive(client_for, personas, town):
    office = personas["supervision_office"]
    bulletin = services.bulletin_save(
        actor=office,
        town=town,
        items=[],
        values={
            "title": "关于河道整治的通报",
            "body": "一、总体情况\n\n良好。",
            "period_label": "2026年5月",
            "issuer": "督查办",
        },
    )
    Bulletin.objects.filter(pk=bulletin.pk).update(status=BulletinStatus.APPROVED)
    services.bulletin_publish(actor=office, bulletin=bulletin, on=date(2026, 5, 8), confirmed=True)
    client = client_for(personas["cadre"])
    assert "关于河道整治的通报" in client.get(url("bulletin_archive", town), {"q": "河道"}).content.decode()
    assert (
        "关于河道整治的通报" not in client.get(url("bulletin_archive", town), {"q": "秸秆"}).content.decode()
    )
    response = client.get(url("bulletin_docx", town, bulletin.pk))
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_a_cadre_cannot_read_a_draft_bulletin(client_for, personas, town):
    bulletin = services.bulletin_save(
        actor=personas["supervision_office"],
        town=town,
        items=[],
        values={"title": "草稿", "body": "x", "period_label": "2026年5月", "issuer": "督查办"},
    )
    assert client_for(personas["cadre"]).get(url("bulletin_detail", town, bulletin.pk)).status_code == 404

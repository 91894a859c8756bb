"""Supervision tells owners, the office and the reviewer what they must act on."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaoping.inbox.models import Message

from .. import notices, services
from ..models import ItemStatus
from .conftest import make_item


def _open(user, kind=None):
    messages = Message.objects.filter(recipient=user, done_at__isnull=True)
    return list(messages.filter(kind=kind) if kind else messages)


@pytest.mark.django_db
def test_an_item_assigned_tells_its_owner_and_the_loop_moves_the_messages(personas, office, owner, item):
    [assigned] = _open(owner, notices.ASSIGNED)
    assert assigned.link.endswith(f"/items/{item.pk}/")
    services.item_move(actor=owner, item=item, to=ItemStatus.IN_PROGRESS)
    services.item_move(actor=owner, item=item, to=ItemStatus.SUBMITTED, result="已完成")
    assert _open(owner) == []
    assert len(_open(office, notices.VERIFY)) == 1
    services.item_move(actor=office, item=item, to=ItemStatus.IN_PROGRESS, text="材料不全")
    [back] = _open(owner, notices.SENT_BACK)
    assert "材料不全" in back.body
    assert _open(office) == []
    services.item_move(actor=owner, item=item, to=ItemStatus.SUBMITTED, result="已补全")
    services.item_move(actor=office, item=item, to=ItemStatus.VERIFIED, quality="good", confirmed=True)
    assert _open(owner) == [] and _open(office) == []


def _remind(day: str) -> str:
    out = StringIO()
    call_command("remind", "--date", day, "--source", "supervision.items_due", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_remind_tells_owners_the_day_before_on_the_day_and_once_overdue(office, owner, town):
    make_item(office, town, [owner.cadre], deadline=date(2026, 5, 20))
    for day in ("2026-05-18", "2026-05-19", "2026-05-19", "2026-05-20", "2026-05-21", "2026-05-25"):
        _remind(day)
    titles = list(Message.objects.filter(recipient=owner, kind=notices.DUE).values_list("key", flat=True))
    assert sorted(k.rsplit(":", 1)[1] for k in titles) == ["day", "eve", "overdue"]


@pytest.mark.django_db
def test_an_extended_deadline_reminds_again(office, owner, town):
    item = make_item(office, town, [owner.cadre], deadline=date(2026, 5, 20))
    _remind("2026-05-20")
    services.item_extend(actor=office, item=item, deadline=date(2026, 5, 30), reason="汛期")
    _remind("2026-05-30")
    assert Message.objects.filter(recipient=owner, kind=notices.DUE).count() == 2


@pytest.mark.django_db
def test_a_bulletin_sent_for_review_asks_the_main_leader_and_a_return_tells_the_sender(
    personas, town, office
):
    bulletin = services.bulletin_save(
        actor=office, town=town, values={"title": "督查通报", "body": "正文", "issuer": "督查办"}, items=[]
    )
    services.bulletin_move(actor=office, bulletin=bulletin, to="in_review")
    leader = personas["main_leader"]
    assert len(_open(leader, notices.REVIEW)) == 1
    services.bulletin_move(actor=leader, bulletin=bulletin, to="draft", note="请补充数据")
    assert _open(leader) == []
    [returned] = _open(office, notices.BULLETIN_RETURNED)
    assert "请补充数据" in returned.body
    services.bulletin_move(actor=office, bulletin=bulletin, to="in_review")
    assert _open(office) == [] and len(_open(leader, notices.REVIEW)) == 1


@pytest.mark.django_db
def test_the_items_messages_and_reminders_are_about_the_item_in_its_town_and_link_to_it(
    settings, office, owner, town
):
    settings.LANGUAGE_CODE = "en"
    item = make_item(office, town, [owner.cadre], deadline=date(2026, 5, 20))
    services.item_move(actor=owner, item=item, to=ItemStatus.IN_PROGRESS)
    services.item_move(actor=owner, item=item, to=ItemStatus.SUBMITTED, result="已完成")
    services.item_move(actor=office, item=item, to=ItemStatus.IN_PROGRESS, text=" 材料不全 ")
    _remind("2026-05-20")
    page = reverse("supervision:item_detail", args=[town.slug, item.pk])
    [back] = _open(owner, notices.SENT_BACK)
    [due] = _open(owner, notices.DUE)
    assert (back.title, back.body, back.key) == (
        f"Result sent back: {item.title}",
        "Reason: 材料不全",
        f"item.sent_back:{item.pk}:1",
    )
    assert due.title == f"Due today: supervision item {item.title}"
    for message in (back, due):
        assert (message.subject, message.link, message.town) == (f"supervision.item:{item.pk}", page, town)

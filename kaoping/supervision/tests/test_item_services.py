from datetime import date

import pytest
import time_machine

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.supervision import services
from kaoping.supervision.models import EventKind, Item, ItemStatus

from .conftest import make_item

pytestmark = pytest.mark.django_db
S = ItemStatus


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_an_item_goes_round_the_whole_loop_and_each_move_is_audited(office, owner, item):
    services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
    services.item_note(actor=office, item=item, text="已电话督促")
    services.item_note(actor=owner, item=item, text="已完成一半")
    services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="已全部完成", confirmed=True)
    services.item_move(actor=office, item=item, to=S.IN_PROGRESS, text="台账不全", confirmed=True)
    services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="台账已补齐", confirmed=True)
    services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    services.item_move(actor=office, item=item, to=S.CLOSED, text="办理较好", confirmed=True)
    item.refresh_from_db()
    assert (item.status, item.send_backs, item.quality, item.feedback) == (S.CLOSED, 1, "good", "办理较好")
    moves = AuditEntry.objects.filter(action="supervision_item.move", object_id=str(item.pk)).order_by("id")
    assert [(e.actor_name, e.old["status"], e.new["status"]) for e in moves] == [
        ("cadre", "assigned", "in_progress"),
        ("cadre", "in_progress", "submitted"),
        ("supervision_office", "submitted", "in_progress"),
        ("cadre", "in_progress", "submitted"),
        ("supervision_office", "submitted", "verified"),
        ("supervision_office", "verified", "closed"),
    ]
    assert item.events.filter(kind=EventKind.NOTE).count() == 2


@pytest.mark.parametrize(
    ("before", "to", "message"),
    [
        (S.ASSIGNED, S.VERIFIED, "cannot become"),
        (S.ASSIGNED, S.CLOSED, "cannot become"),
        (S.IN_PROGRESS, S.CLOSED, "cannot become"),
        (S.CLOSED, S.IN_PROGRESS, "cannot become"),
        (S.IN_PROGRESS, "nonsense", "cannot become"),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_message(office, item, before, to, message):
    Item.objects.filter(pk=item.pk).update(status=before, quality="good")
    with pytest.raises(DomainError, match=message):
        services.item_move(actor=office, item=item, to=to, confirmed=True)
    item.refresh_from_db()
    assert item.status == before


def test_only_the_owner_submits_and_only_the_office_verifies(personas, office, owner, item):
    services.item_move(actor=office, item=item, to=S.IN_PROGRESS, confirmed=True)
    with pytest.raises(DomainError, match="owners"):
        services.item_move(actor=office, item=item, to=S.SUBMITTED, result="x", confirmed=True)
    with pytest.raises(DomainError, match="owners"):
        services.item_move(
            actor=personas["main_leader"], item=item, to=S.SUBMITTED, result="x", confirmed=True
        )
    services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="x", confirmed=True)
    with pytest.raises(DomainError, match="supervision office"):
        services.item_move(actor=owner, item=item, to=S.VERIFIED, quality="excellent", confirmed=True)


def test_another_cadre_cannot_touch_an_item_they_do_not_own(town, office, item):
    from kaoping import testing

    stranger = testing.make_user(
        "stranger", town=town, role=None, cadre=testing.make_cadre(town, "赵六", 905)
    )
    with pytest.raises(DomainError):
        services.item_move(actor=stranger, item=item, to=S.IN_PROGRESS, confirmed=True)
    with pytest.raises(DomainError):
        services.item_note(actor=stranger, item=item, text="x")


def test_the_head_of_the_owning_department_acts_on_a_department_item(town, office):
    from kaoping import testing

    head = testing.make_cadre(town, "钱主任", 906, is_middle_level=True)
    user = testing.make_user("head", town=town, role=None, cadre=head)
    item = make_item(office, town, [], department=town.departments.first())
    services.item_move(actor=user, item=item, to=S.IN_PROGRESS, confirmed=True)
    assert list(Item.objects.owned_by(head)) == [item]


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("result", {"to": S.SUBMITTED}, "Describe the result"),
    ],
)
def test_a_submission_needs_a_result(owner, item, field, kwargs, message):
    services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
    with pytest.raises(DomainError, match=message):
        services.item_move(actor=owner, item=item, **kwargs, confirmed=True)


def test_sending_back_needs_a_reason_verifying_a_quality_and_closing_feedback(office, owner, item):
    services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
    services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="done", confirmed=True)
    with pytest.raises(DomainError, match="sent back"):
        services.item_move(actor=office, item=item, to=S.IN_PROGRESS, confirmed=True)
    with pytest.raises(DomainError, match="quality"):
        services.item_move(actor=office, item=item, to=S.VERIFIED, confirmed=True)
    services.item_move(actor=office, item=item, to=S.VERIFIED, quality="fair", confirmed=True)
    with pytest.raises(DomainError, match="feedback"):
        services.item_move(actor=office, item=item, to=S.CLOSED, confirmed=True)


def test_an_item_needs_an_owner_and_a_deadline_after_assignment(town, office):
    with pytest.raises(DomainError) as exc:
        make_item(office, town, [], deadline=date(2026, 4, 1))
    assert len(exc.value.errors) == 2


def test_only_the_office_registers_items(town, owner):
    with pytest.raises(DomainError, match="supervision office"):
        make_item(owner, town, [owner.cadre])


def test_overdue_items_are_flagged_and_listed_until_the_result_comes(office, owner, item):
    with time_machine.travel(date(2026, 5, 20)):
        assert list(Item.objects.overdue(date(2026, 5, 20))) == []
    with time_machine.travel(date(2026, 5, 21)):
        assert list(Item.objects.overdue(date(2026, 5, 21))) == [item]
        assert item.is_overdue(date(2026, 5, 21))
        services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
        services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="done", confirmed=True)
        assert list(Item.objects.overdue(date(2026, 5, 21))) == []
        services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    item.refresh_from_db()
    assert item.on_time is False


def test_an_extension_moves_the_deadline_with_a_reason_and_makes_a_later_result_on_time(office, owner, item):
    with pytest.raises(DomainError, match="reason"):
        services.item_extend(actor=office, item=item, deadline=date(2026, 6, 10), reason=" ")
    with pytest.raises(DomainError, match="after the current"):
        services.item_extend(actor=office, item=item, deadline=date(2026, 5, 10), reason="x")
    with pytest.raises(DomainError, match="supervision office"):
        services.item_extend(actor=owner, item=item, deadline=date(2026, 6, 10), reason="x")
    services.item_extend(actor=office, item=item, deadline=date(2026, 6, 10), reason="雨季施工受阻")
    entry = AuditEntry.objects.get(action="supervision_item.extend")
    assert (entry.old, entry.new, entry.note) == (
        {"deadline": "2026-05-20"},
        {"deadline": "2026-06-10"},
        "雨季施工受阻",
    )
    with time_machine.travel(date(2026, 6, 5)):
        services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
        services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="done", confirmed=True)
        services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    item.refresh_from_db()
    assert item.on_time is True

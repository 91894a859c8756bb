"""What supervision posts to the inbox: items assigned, sent back, to verify; bulletins to review or
returned; and its reminder source for `kaoping remind` (registered in `apps.py`).

Messages are about ``supervision.item:<id>`` or ``supervision.bulletin:<id>`` and are marked done when
the owner has submitted, the office has verified or the reviewer has decided.
"""

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role, User
from kaoping.inbox import services as inbox
from kaoping.inbox.matters import Matter
from kaoping.inbox.reminders import Reminder

from .models import Bulletin, BulletinStatus, Item, ItemStatus

ASSIGNED, SENT_BACK, VERIFY, DUE = "item.assigned", "item.sent_back", "item.verify", "item.due"
REVIEW, BULLETIN_RETURNED = "bulletin.review", "bulletin.returned"


def item_subject(item: Item) -> str:
    return f"supervision.item:{item.pk}"


def _item(item: Item, actor: User | None = None) -> Matter:
    """Messages about the item, linking to its page."""
    link = reverse("supervision:item_detail", args=[item.town.slug, item.pk])
    return Matter(subject=item_subject(item), link=link, town=item.town, actor=actor)


def owner_users(item: Item):
    """The accounts of the item's owners and co-owners, and of the heads of its owning department."""
    held = Q(cadre__supervision_ownerships__item=item)
    if item.department_id:
        held |= Q(
            cadre__department_id=item.department_id, cadre__is_middle_level=True, cadre__town_id=item.town_id
        )
    return User.objects.filter(held, is_active=True).distinct().order_by("pk")


def _params(item: Item) -> dict:
    return {"item": item.title, "deadline": f"{item.deadline:%Y-%m-%d}"}


def item_created(item: Item, actor: User) -> None:
    _item(item, actor).notify(
        recipients=owner_users(item),
        kind=ASSIGNED,
        key=f"{ASSIGNED}:{item.pk}",
        title=_("Supervision item assigned to you: %(item)s"),
        body=_("Deadline: %(deadline)s."),
        params=_params(item),
    )


def item_moved(item: Item, before: str, actor: User, text: str) -> None:
    matter = _item(item, actor)
    if item.status == ItemStatus.SUBMITTED:
        matter.resolve(ASSIGNED, SENT_BACK, DUE)
        matter.notify(
            recipients=inbox.recipients_with_roles(item.town, [Role.SUPERVISION_OFFICE]),
            kind=VERIFY,
            key=f"{VERIFY}:{item.pk}:{item.submitted_at:%Y%m%d%H%M%S%f}",
            title=_("Result to verify: %(item)s"),
            body=_("The owner has submitted the result. Verify it and rate its quality, or send it back."),
            params=_params(item),
        )
    elif (before, item.status) == (ItemStatus.SUBMITTED, ItemStatus.IN_PROGRESS):
        matter.resolve(VERIFY)
        matter.notify(
            recipients=owner_users(item),
            kind=SENT_BACK,
            key=f"{SENT_BACK}:{item.pk}:{item.send_backs}",
            title=_("Result sent back: %(item)s"),
            body=_("Reason: %(reason)s"),
            params=_params(item) | {"reason": text.strip()},
        )
    elif item.status in (ItemStatus.VERIFIED, ItemStatus.CLOSED):
        matter.resolve()


def bulletin_subject(bulletin: Bulletin) -> str:
    return f"supervision.bulletin:{bulletin.pk}"


def bulletin_moved(bulletin: Bulletin, old: str, actor: User, note: str) -> None:
    link = reverse("supervision:bulletin_detail", args=[bulletin.town.slug, bulletin.pk])
    matter = Matter(subject=bulletin_subject(bulletin), link=link, town=bulletin.town, actor=actor)
    params = {"title": bulletin.title, "note": note.strip()}
    if bulletin.status == BulletinStatus.IN_REVIEW:
        matter.resolve(BULLETIN_RETURNED)
        matter.notify(
            recipients=inbox.recipients_with_roles(bulletin.town, [Role.MAIN_LEADER]),
            kind=REVIEW,
            key=f"{REVIEW}:{bulletin.pk}:{bulletin.version}",
            title=_("Bulletin to review: %(title)s"),
            body=_("Approve it, or return it saying what must change."),
            params=params,
        )
        return
    matter.resolve(REVIEW)
    if (old, bulletin.status) == (BulletinStatus.IN_REVIEW, BulletinStatus.DRAFT) and bulletin.sent_by_id:
        matter.notify(
            recipients=User.objects.filter(pk=bulletin.sent_by_id),
            kind=BULLETIN_RETURNED,
            key=f"{BULLETIN_RETURNED}:{bulletin.pk}:{bulletin.version}",
            title=_("Bulletin returned: %(title)s"),
            body=_("Reason: %(note)s"),
            params=params,
        )


# --- Reminders ------------------------------------------------------------------------------------


def items_due(today: date) -> Iterator[Reminder]:
    """Items whose owner still owes a result, due tomorrow, due today, or overdue (once per deadline).
    One query for the items, then one per item reminded for its owners."""
    items = (
        Item.objects.filter(status__in=ItemStatus.open(), deadline__lte=today + timedelta(days=1))
        .select_related("town")
        .order_by("deadline", "pk")
    )
    for item in items:
        if item.deadline == today + timedelta(days=1):
            step, title = "eve", _("Due tomorrow: supervision item %(item)s")
        elif item.deadline == today:
            step, title = "day", _("Due today: supervision item %(item)s")
        else:
            step, title = "overdue", _("Overdue since %(deadline)s: supervision item %(item)s")
        yield _item(item).reminder(
            recipients=owner_users(item),
            kind=DUE,
            key=f"{DUE}:{item.pk}:{item.deadline}:{step}",
            title=title,
            body=_("Submit the result on the item's page."),
            params=_params(item),
        )

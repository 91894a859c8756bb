"""What the quarterly meetings post to the inbox, and their reminder source for `kaoping remind`
(registered in `apps.py` as ``quarterly.rectifications_due``).

- A rectification plan recorded: the listed cadre gets a message (about
  ``quarterly.rectification:<id>``), marked done by the closing review.
- ``quarterly.rectifications_due``: from the plan's deadline on, the group leader of the cadre's
  population is asked once to review it (整改完成 / 未完成); the key names the deadline, so a second
  run posts nothing and a later review is asked once.
"""

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role, User
from kaoping.inbox import services as inbox
from kaoping.inbox.matters import Matter
from kaoping.inbox.reminders import Reminder
from kaoping.people.models import Town

from .models import Rectification, RectificationStatus

RECORDED, REVIEW = "rectification.recorded", "rectification.review"


def subject(rectification: Rectification) -> str:
    return f"quarterly.rectification:{rectification.pk}"


def _rectification(rectification: Rectification, town: Town, actor: User | None = None) -> Matter:
    """Messages about the rectification, linking to its page."""
    link = reverse("quarterly:rectification_detail", args=[town.slug, rectification.pk])
    return Matter(subject=subject(rectification), link=link, town=town, actor=actor)


def rectification_recorded(rectification: Rectification, actor: User) -> None:
    """Tell the listed cadre their rectification plan is recorded, with its deadline."""
    entry = rectification.entry
    town = entry.lagging_list.meeting.town
    _rectification(rectification, town, actor).notify(
        recipients=inbox.users_of_cadres([entry.cadre_id]),
        kind=RECORDED,
        key=f"{RECORDED}:{rectification.pk}",
        title=_("Rectification plan to carry out by %(deadline)s"),
        body=_("Measures: %(measures)s"),
        params={"deadline": f"{rectification.deadline:%Y-%m-%d}", "measures": rectification.measures[:500]},
    )


def rectification_reviewed(rectification: Rectification) -> None:
    inbox.resolve(subject=subject(rectification))


def rectifications_due(today: date) -> Iterator[Reminder]:
    """Open rectifications whose deadline has come: their group leaders review them. One query, then
    one per rectification reminded."""
    due = (
        Rectification.objects.filter(status=RectificationStatus.OPEN, deadline__lte=today)
        .select_related("entry__cadre", "entry__lagging_list__meeting__town")
        .order_by("deadline", "pk")
    )
    for rectification in due:
        cadre = rectification.entry.cadre
        town = rectification.entry.lagging_list.meeting.town
        yield _rectification(rectification, town).reminder(
            recipients=inbox.recipients_with_roles(town, [Role.GROUP_LEADER], population=cadre.population),
            kind=REVIEW,
            key=f"{REVIEW}:{rectification.pk}:{rectification.deadline}",
            title=_("Rectification to review: %(cadre)s, due %(deadline)s"),
            body=_("Record whether it is completed (整改完成) or not (未完成)."),
            params={"cadre": cadre.name, "deadline": f"{rectification.deadline:%Y-%m-%d}"},
        )

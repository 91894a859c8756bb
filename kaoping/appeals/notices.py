"""What objections and reviews post to the inbox, and their reminder source for `kaoping remind`
(registered in `apps.py` as ``appeals.answers_due``).

- Raised: the assessment office gets a message (about ``appeals.appeal:<id>``) with the due date;
  answered: those messages are done, and the cadre gets the answer.
- ``appeals.answers_due``: an open objection or review whose answer is due tomorrow, today, or past
  due is reminded to the office once for each of those steps (the key names the due date and the step).
"""

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role, User
from kaoping.inbox import services as inbox
from kaoping.inbox.matters import Matter
from kaoping.inbox.reminders import Reminder

from .models import Appeal, AppealStatus, Stage

RAISED, ANSWERED, DUE = "appeal.raised", "appeal.answered", "appeal.due"


def _link(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.town.slug, appeal.pk])


def _appeal(appeal: Appeal, actor: User | None = None) -> Matter:
    """The office's messages about the objection or review, linking to its page."""
    return Matter(subject=appeal.subject, link=_link(appeal), town=appeal.town, actor=actor)


def raised(appeal: Appeal) -> None:
    """Ask the assessment office to answer, by the due date."""
    title = (
        _("%(cadre)s objects to %(subject)s: answer by %(due)s")
        if appeal.stage == Stage.OBJECTION
        else _("%(cadre)s asks for a review of %(subject)s: decide by %(due)s")
    )
    _appeal(appeal, appeal.raised_by).notify(
        recipients=inbox.recipients_with_roles(appeal.town, [Role.ASSESSMENT_OFFICE]),
        kind=RAISED,
        key=f"{RAISED}:{appeal.pk}",
        title=title,
        params={
            "cadre": appeal.cadre.name,
            "subject": appeal.subject_label,
            "due": f"{appeal.due_on:%Y-%m-%d}",
        },
        body=appeal.reason,
    )


def answered(appeal: Appeal) -> None:
    """The office's messages are done; the cadre reads the answer."""
    inbox.resolve(subject=appeal.subject)
    Matter(subject=f"{appeal.subject}:answer", link=_link(appeal), town=appeal.town).notify(
        recipients=inbox.users_of_cadres([appeal.cadre_id]),
        kind=ANSWERED,
        key=f"{ANSWERED}:{appeal.pk}",
        title=_("Answer to your %(stage)s about %(subject)s: %(status)s"),
        params={
            "stage": appeal.get_stage_display(),
            "subject": appeal.subject_label,
            "status": appeal.get_status_display(),
        },
        body=appeal.answer,
    )


def answers_due(today: date) -> Iterator[Reminder]:
    """Open objections and reviews due tomorrow, today or past due, to the town's assessment office."""
    tomorrow = today + timedelta(days=1)
    appeals = (
        Appeal.objects.filter(status=AppealStatus.OPEN, due_on__lte=tomorrow)
        .select_related("town", "cadre")
        .order_by("town_id", "due_on", "pk")
    )
    offices: dict[int, tuple] = {}
    for appeal in appeals:
        if appeal.town_id not in offices:
            offices[appeal.town_id] = tuple(
                inbox.recipients_with_roles(appeal.town, [Role.ASSESSMENT_OFFICE])
            )
        step = "eve" if appeal.due_on == tomorrow else "day" if appeal.due_on == today else "late"
        yield _appeal(appeal).reminder(
            recipients=offices[appeal.town_id],
            kind=DUE,
            key=f"{DUE}:{appeal.pk}:{appeal.due_on:%Y-%m-%d}:{step}",
            title=_("Answer due %(due)s: %(stage)s of %(cadre)s about %(subject)s"),
            params={
                "due": f"{appeal.due_on:%Y-%m-%d}",
                "stage": appeal.get_stage_display(),
                "cadre": appeal.cadre.name,
                "subject": appeal.subject_label,
            },
        )

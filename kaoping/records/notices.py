"""What the monthly records post to the inbox, and their reminder source for `kaoping remind`
(registered in `apps.py` as ``records.missing``).

- A returned record: its leader in charge gets a message (about ``records.record:<id>``), marked done
  when the record is submitted again.
- ``records.missing``: the day before the town's deadline and on the day, each leader in charge with
  records of the month not submitted gets one message naming how many and whose. The key names the
  month, the deadline and the step, so a second run of `kaoping remind` on the same day posts nothing.
"""

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import User
from kaoping.inbox import services as inbox
from kaoping.inbox.reminders import Reminder
from kaoping.people.models import Town

from . import selectors
from .models import MonthRecord

RETURNED, MISSING = "record.returned", "record.missing"


def record_subject(record: MonthRecord) -> str:
    return f"records.record:{record.pk}"


def record_returned(record: MonthRecord, actor: User) -> None:
    """Tell the record's leader in charge it was returned, and why."""
    inbox.notify(
        recipients=inbox.users_of_cadres([record.leader_id]),
        kind=RETURNED,
        key=f"{RETURNED}:{record.pk}:{record.returned_at:%Y%m%d%H%M%S%f}",
        title=_("Record returned: %(cadre)s, %(month)s"),
        body=_("Reason: %(reason)s"),
        params={"cadre": record.cadre.name, "month": f"{record.month:%Y-%m}", "reason": record.return_reason},
        link=reverse(
            "records:record_edit", args=[record.town.slug, record.cadre_id, f"{record.month:%Y-%m}"]
        ),
        subject=record_subject(record),
        town=record.town,
        exclude=actor,
    )


def record_submitted(record: MonthRecord) -> None:
    """A record submitted (again): the message that it was returned is done."""
    inbox.resolve(subject=record_subject(record), kinds=[RETURNED])


def missing_records(today: date) -> Iterator[Reminder]:
    """Leaders in charge with records of the current month not submitted, the day before the town's
    deadline and on it (a fixed number of queries per town)."""
    month = today.replace(day=1)
    for town in Town.objects.order_by("pk"):
        due = selectors.due_on(town, month)
        if today == due - timedelta(days=1):
            step, title = "eve", _("Due tomorrow: %(count)d monthly records of %(month)s")
        elif today == due:
            step, title = "day", _("Due today: %(count)d monthly records of %(month)s")
        else:
            continue
        missing = selectors.missing_records(town, month)
        users = User.objects.in_bulk([m.user_id for m in missing if m.user_id is not None])
        link = reverse("records:mine", args=[town.slug])
        for m in missing:
            if m.user_id not in users:
                continue
            yield Reminder(
                recipients=(users[m.user_id],),
                kind=MISSING,
                key=f"{MISSING}:{town.pk}:{month:%Y-%m}:{due}:{step}",
                title=title,
                body=_("Not submitted yet: %(cadres)s."),
                params={
                    "count": len(m.cadres),
                    "month": f"{month:%Y-%m}",
                    "cadres": "、".join(c.name for c in m.cadres),
                },
                link=link,
                subject=f"records.month:{town.pk}:{month:%Y-%m}",
                town=town,
            )

"""The annual evaluation's reminder source for `kaoping remind` (registered in `apps.py` as
``annual.confirm_due``): a published year whose publication window has passed, not confirmed yet, is
reminded to the town's assessment office once (the key names the year), with how many objections
still wait for their answer."""

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role
from kaoping.appeals import services as appeals
from kaoping.inbox import services as inbox
from kaoping.inbox.reminders import Reminder

from . import publication
from .models import AnnualPublication

DUE = "annual.confirm_due"


def confirm_due(today: date) -> Iterator[Reminder]:
    """Published years past their window and not confirmed, to the town's assessment office."""
    rows = AnnualPublication.objects.filter(confirmed_at__isnull=True).select_related("town").order_by("pk")
    for row in rows:
        when = publication.windows_of(row, appeals.rules_for(row.town))
        if today <= when.objections_until:
            continue
        yield Reminder(
            recipients=tuple(inbox.recipients_with_roles(row.town, [Role.ASSESSMENT_OFFICE])),
            kind=DUE,
            key=f"{DUE}:{row.pk}",
            title=_("The annual grades of %(year)s can be confirmed: the publication window ended %(day)s"),
            params={"year": row.year, "day": f"{when.objections_until:%Y-%m-%d}"},
            link=reverse("annual:overview", args=[row.town.slug]) + f"?year={row.year}",
            subject=f"annual.confirmable:{row.pk}",
            town=row.town,
        )

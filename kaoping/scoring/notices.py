"""What scoring posts to the inbox: sheets to fill, to approve or returned, bonuses and deductions to
decide; and its reminder source for `kaoping remind` (registered in `apps.py`).

Each message is about a subject (``scoring.sheet:<id>``, ``scoring.adjustment:<id>``) and is marked
done when the sheet is approved or the adjustment decided.
"""

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role, User
from kaoping.inbox import services as inbox
from kaoping.inbox.matters import Matter
from kaoping.inbox.reminders import Reminder

from .models import Adjustment, Period, PeriodStatus, ScoreSheet, SheetStatus

FILL, APPROVE, RETURNED, DUE = "sheet.fill", "sheet.approve", "sheet.returned", "sheet.due"
DECIDE = "adjustment.decide"


def sheet_subject(sheet: ScoreSheet) -> str:
    return f"scoring.sheet:{sheet.pk}"


def _sheet(sheet: ScoreSheet, actor: User | None = None) -> Matter:
    """Messages about the sheet, linking to its grid."""
    town = sheet.period.town
    link = reverse("scoring:sheet_grid", args=[town.slug, f"{sheet.period.month:%Y-%m}", sheet.pk])
    return Matter(subject=sheet_subject(sheet), link=link, town=town, actor=actor)


def _scorers(sheet: ScoreSheet):
    return inbox.recipients_with_roles(
        sheet.period.town, [Role.SCORER, Role.GROUP_LEADER], population=sheet.scheme.population
    )


def _leaders(sheet: ScoreSheet):
    return inbox.recipients_with_roles(
        sheet.period.town, [Role.GROUP_LEADER], population=sheet.scheme.population
    )


def _params(sheet: ScoreSheet) -> dict:
    return {
        "sheet": sheet.scheme.name,
        "month": f"{sheet.period.month:%Y-%m}",
        "due": f"{due_day(sheet.period):%Y-%m-%d}",
    }


def period_opened(period: Period, sheets: list[ScoreSheet], actor: User) -> None:
    """A month opened: each sheet's scorers and group leaders are asked to fill it."""
    for sheet in sheets:
        _sheet(sheet, actor).notify(
            recipients=_scorers(sheet),
            kind=FILL,
            key=f"{FILL}:{sheet.pk}",
            title=_("Score sheet to fill: %(sheet)s, %(month)s"),
            body=_("The month is open for scoring. Fill in the grid and submit it by %(due)s."),
            params=_params(sheet),
        )


def sheet_moved(sheet: ScoreSheet, old: str, actor: User, reason: str) -> None:
    """Submitted: the group leaders are asked to approve. Returned or reopened: whoever submitted it is
    told why. Approved: every message about the sheet is done."""
    matter = _sheet(sheet, actor)
    if sheet.status == SheetStatus.SUBMITTED:
        matter.resolve(FILL, RETURNED, DUE)
        matter.notify(
            recipients=_leaders(sheet),
            kind=APPROVE,
            key=f"{APPROVE}:{sheet.pk}:{sheet.submitted_at:%Y%m%d%H%M%S%f}",
            title=_("Score sheet to approve: %(sheet)s, %(month)s"),
            body=_("Submitted by %(who)s. Check the grid, then approve it or return it with the reason."),
            params=_params(sheet) | {"who": actor.get_full_name() or actor.username},
        )
    elif sheet.status == SheetStatus.APPROVED:
        matter.resolve()
    elif sheet.status == SheetStatus.DRAFT:
        matter.resolve(APPROVE)
        submitter = User.objects.filter(pk=sheet.submitted_by_id)
        matter.notify(
            recipients=submitter if old == SheetStatus.SUBMITTED else _scorers(sheet),
            kind=RETURNED,
            key=f"{RETURNED}:{sheet.pk}:{sheet.revision}:{old}:{sheet.submitted_at or ''}",
            title=_("Score sheet returned: %(sheet)s, %(month)s")
            if old == SheetStatus.SUBMITTED
            else _("Score sheet reopened: %(sheet)s, %(month)s"),
            body=_("Reason: %(reason)s") if reason.strip() else "",
            params=_params(sheet) | {"reason": reason.strip()},
        )


def adjustment_subject(adjustment: Adjustment) -> str:
    return f"scoring.adjustment:{adjustment.pk}"


def adjustment_registered(adjustment: Adjustment, actor: User) -> None:
    """A bonus or deduction registered: the main leaders are asked to decide it."""
    town, month = adjustment.period.town, f"{adjustment.period.month:%Y-%m}"
    link = reverse("scoring:adjustment_detail", args=[town.slug, month, adjustment.pk])
    Matter(subject=adjustment_subject(adjustment), link=link, town=town, actor=actor).notify(
        recipients=inbox.recipients_with_roles(town, [Role.MAIN_LEADER]),
        kind=DECIDE,
        key=f"{DECIDE}:{adjustment.pk}",
        title=_("Bonus or deduction to decide: %(title)s"),
        body=_("%(kind)s in %(month)s, registered by %(who)s."),
        params={
            "title": adjustment.title,
            "kind": adjustment.get_kind_display(),
            "month": month,
            "who": actor.get_full_name() or actor.username,
        },
    )


def adjustment_decided(adjustment: Adjustment) -> None:
    inbox.resolve(subject=adjustment_subject(adjustment))


# --- Reminders ------------------------------------------------------------------------------------


def due_day(period: Period) -> date:
    """The day a month's sheets are due: `KAOPING_SHEETS_DUE_DAY` of the following month (clamped)."""
    following = (period.month.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=max(1, min(settings.KAOPING_SHEETS_DUE_DAY, last)))


def sheets_due(today: date) -> Iterator[Reminder]:
    """Sheets of open months not yet submitted (scorers) or approved (group leaders), the day before
    they are due, on the day, and once when overdue. Three queries, then one per sheet reminded."""
    sheets = (
        ScoreSheet.objects.filter(period__status=PeriodStatus.OPEN)
        .exclude(status=SheetStatus.APPROVED)
        .select_related("period__town", "scheme")
        .order_by("period__month", "pk")
    )
    for sheet in sheets:
        due = due_day(sheet.period)
        if today == due - timedelta(days=1):
            step, title = "eve", _("Due tomorrow: score sheet %(sheet)s, %(month)s")
        elif today == due:
            step, title = "day", _("Due today: score sheet %(sheet)s, %(month)s")
        elif today > due:
            step, title = "overdue", _("Overdue since %(due)s: score sheet %(sheet)s, %(month)s")
        else:
            continue
        to_submit = sheet.status == SheetStatus.DRAFT
        yield _sheet(sheet).reminder(
            recipients=_scorers(sheet) if to_submit else _leaders(sheet),
            kind=DUE,
            key=f"{DUE}:{sheet.pk}:{due}:{sheet.status}:{step}",
            title=title,
            body=_("Fill in the grid and submit it.") if to_submit else _("Approve the sheet or return it."),
            params=_params(sheet),
        )

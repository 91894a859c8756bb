"""Reads of the quarterly meetings for this app's pages and for the pages of other areas.

For the cadre's dossier, the home page and the inbox (each a fixed number of queries, whatever the
number of cadres or rows):

- `appearances_for_cadres(cadre_ids)` → {cadre id: [Appearance]}: every appearance of each cadre on a
  final lagging list, newest first, with the rule and reasons, the exemption, the statement and the
  rectification (plan, deadline, status, review). Draft lists are left out (they are the office's).
- `open_rectifications(town, cadre=None, user=None)` → the town's open rectifications, oldest deadline
  first; with `cadre`, that cadre's; with `user`, those of the cadre linked to the account (none if the
  account is linked to no cadre).
- `overdue_rectifications(town, today)` → the open rectifications whose deadline is before `today`.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from kaoping.evaluation.selectors import Turnout, turnout
from kaoping.people.models import Cadre, Town

from .models import LaggingEntry, ListStatus, Meeting, Rectification, RectificationStatus, Statement


@dataclass(frozen=True)
class Appearance:
    meeting: Meeting
    entry: LaggingEntry
    statement: Statement | None
    rectification: Rectification | None


def appearances_for_cadres(cadre_ids: list[int] | set[int]) -> dict[int, list[Appearance]]:
    """Each cadre's appearances on final lagging lists, newest quarter first (one query)."""
    entries = (
        LaggingEntry.objects.filter(cadre_id__in=list(cadre_ids), lagging_list__status=ListStatus.FINAL)
        .select_related("lagging_list__meeting", "statement", "rectification", "cadre")
        .order_by("-lagging_list__meeting__year", "-lagging_list__meeting__quarter", "pk")
    )
    found: dict[int, list[Appearance]] = {cid: [] for cid in cadre_ids}
    for entry in entries:
        found[entry.cadre_id].append(
            Appearance(
                entry.lagging_list.meeting,
                entry,
                getattr(entry, "statement", None),
                getattr(entry, "rectification", None),
            )
        )
    return found


def _rectifications(town: Town) -> QuerySet[Rectification]:
    return (
        Rectification.objects.filter(entry__lagging_list__meeting__town=town)
        .select_related("entry__cadre__department", "entry__cadre__village", "entry__lagging_list__meeting")
        .order_by("deadline", "pk")
    )


def open_rectifications(town: Town, *, cadre: Cadre | None = None, user=None) -> list[Rectification]:
    """The town's open rectifications (a cadre's, or those of the cadre linked to `user`), oldest
    deadline first (one query)."""
    rows = _rectifications(town).filter(status=RectificationStatus.OPEN)
    if user is not None:
        if getattr(user, "cadre_id", None) is None:
            return []
        rows = rows.filter(entry__cadre_id=user.cadre_id)
    if cadre is not None:
        rows = rows.filter(entry__cadre=cadre)
    return list(rows)


def overdue_rectifications(town: Town, today: date) -> list[Rectification]:
    """The town's open rectifications past their deadline (one query)."""
    return list(_rectifications(town).filter(status=RectificationStatus.OPEN, deadline__lt=today))


def closed_rectifications(town: Town) -> list[Rectification]:
    return list(
        _rectifications(town).exclude(status=RectificationStatus.OPEN).order_by("-reviewed_at", "-pk")
    )


def meeting_turnout(meeting: Meeting) -> list[Turnout]:
    """The linked democratic round's turnout per rater class (counts only), or nothing."""
    return turnout(meeting.evaluation_round) if meeting.evaluation_round_id else []


def entries(meeting: Meeting) -> list[LaggingEntry]:
    """The meeting's list with each cadre, statement and rectification (one query)."""
    return list(
        LaggingEntry.objects.filter(lagging_list__meeting=meeting)
        .select_related("cadre__department", "cadre__village", "statement", "rectification", "exempted_by")
        .order_by("sort_order", "pk")
    )


def cadre_names(ids: set[int]) -> dict[int, str]:
    return dict(Cadre.objects.filter(pk__in=ids).values_list("pk", "name"))

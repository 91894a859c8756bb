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
- `year_lagging(town, year)` → the four quarters of a year with their final lagging lists, each entry
  with its cadre and statement (the town's annual report).

Attachments (the files app) belong to site visits (photos), reports (the report file), statements and
progress notes, by the owner types below; `attachments_of(owner_type, ids)` reads them in one query,
and the `may_download_*` functions (registered in `apps.py`) let whoever may see the owning meeting or
rectification download them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can
from kaoping.evaluation.selectors import Turnout, turnout
from kaoping.files.models import Attachment, Kind
from kaoping.people.models import Cadre, Town

from .models import (
    LaggingEntry,
    ListStatus,
    Meeting,
    ProgressNote,
    Rectification,
    RectificationStatus,
    Report,
    SiteVisit,
    Statement,
)

# The owner types of the attachments (`files.Attachment.owner_type`), one per kind of object.
VISIT_OWNER = "quarterly.sitevisit"
REPORT_OWNER = "quarterly.report"
STATEMENT_OWNER = "quarterly.statement"
PROGRESS_OWNER = "quarterly.progressnote"

# What each accepts: photos of a site visit; a report as PDF or Word; a statement or a progress note
# as a photo, PDF or Word (a scan of a signed page is usual).
PHOTO_KINDS = (Kind.JPEG, Kind.PNG)
REPORT_KINDS = (Kind.PDF, Kind.DOCX)
PAPER_KINDS = (Kind.PDF, Kind.DOCX, Kind.JPEG, Kind.PNG)


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


def attachments_of(owner_type: str, ids) -> dict[int, list[Attachment]]:
    """{owner id: its attachments, oldest first} of the objects `ids` of `owner_type` (one query)."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    ids = [i for i in ids if i is not None]
    if not ids:
        return found
    for a in Attachment.objects.filter(owner_type=owner_type, owner_id__in=ids).order_by("created_at", "pk"):
        found[a.owner_id].append(a)  # type: ignore[index]
    return found


def visits_with_photos(meeting: Meeting) -> list[SiteVisit]:
    """The meeting's site visits, each with `photos` (two queries)."""
    visits = list(meeting.visits.all())
    photos = attachments_of(VISIT_OWNER, [v.pk for v in visits])
    for v in visits:
        v.photos = photos.get(v.pk, [])  # type: ignore[attr-defined]
    return visits


def reports_with_files(meeting: Meeting) -> list[Report]:
    """The meeting's reports with reporter and commenter, each with `files` (two queries)."""
    reports = list(meeting.reports.select_related("cadre__department", "comment_by"))
    files = attachments_of(REPORT_OWNER, [r.pk for r in reports])
    for r in reports:
        r.files = files.get(r.pk, [])  # type: ignore[attr-defined]
    return reports


def _may_see_quarterly(user: User, attachment: Attachment, found: bool) -> bool:
    return found and can(user, Action.VIEW_QUARTERLY, attachment.town)


def may_download_visit_photo(user: User, attachment: Attachment) -> bool:
    """Whoever may see the meeting may see its site visits' photos."""
    found = SiteVisit.objects.filter(pk=attachment.owner_id, meeting__town_id=attachment.town_id).exists()
    return _may_see_quarterly(user, attachment, found)


def may_download_report_file(user: User, attachment: Attachment) -> bool:
    """Whoever may see the meeting may read its reports."""
    found = Report.objects.filter(pk=attachment.owner_id, meeting__town_id=attachment.town_id).exists()
    return _may_see_quarterly(user, attachment, found)


def may_download_statement_file(user: User, attachment: Attachment) -> bool:
    """Statements are made on a final list, which the whole town sees (a draft is the office's)."""
    statement = (
        Statement.objects.filter(
            pk=attachment.owner_id, entry__lagging_list__meeting__town_id=attachment.town_id
        )
        .values_list("entry__lagging_list__status", flat=True)
        .first()
    )
    if statement is None:
        return False
    if statement != ListStatus.FINAL:
        return can(user, Action.MANAGE_QUARTERLY, attachment.town)
    return _may_see_quarterly(user, attachment, True)


def may_download_progress_file(user: User, attachment: Attachment) -> bool:
    """Whoever may see the rectification may read its progress notes."""
    found = ProgressNote.objects.filter(
        pk=attachment.owner_id, rectification__entry__lagging_list__meeting__town_id=attachment.town_id
    ).exists()
    return _may_see_quarterly(user, attachment, found)


@dataclass(frozen=True)
class QuarterLagging:
    """One quarter of a year: its meeting (None if none was held), whether the lagging list is final,
    and the final list's entries with each cadre and statement (none while the list is a draft)."""

    quarter: int
    meeting: Meeting | None
    final: bool
    entries: list[LaggingEntry]


def year_lagging(town: Town, year: int) -> list[QuarterLagging]:
    """The four quarters of the town's year with their final lagging lists (two queries: the meetings
    with their lists, the final lists' entries). A draft list is the office's and is not shown."""
    meetings = {
        m.quarter: m
        for m in Meeting.objects.filter(town=town, year=year)
        .select_related("lagging_list")
        .order_by("quarter")
    }
    found: dict[int, list[LaggingEntry]] = defaultdict(list)
    for entry in (
        LaggingEntry.objects.filter(
            lagging_list__meeting__town=town,
            lagging_list__meeting__year=year,
            lagging_list__status=ListStatus.FINAL,
        )
        .select_related("lagging_list__meeting", "cadre__department", "cadre__village", "statement")
        .order_by("lagging_list__meeting__quarter", "sort_order", "pk")
    ):
        found[entry.lagging_list.meeting.quarter].append(entry)
    quarters = []
    for quarter in range(1, 5):
        meeting = meetings.get(quarter)
        lagging_list = getattr(meeting, "lagging_list", None) if meeting else None
        final = lagging_list is not None and lagging_list.status == ListStatus.FINAL
        quarters.append(QuarterLagging(quarter, meeting, final, found.get(quarter, [])))
    return quarters

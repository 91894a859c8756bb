"""Reads of objections and reviews for the pages, the home page, the inbox and the dossier; each in
one query whatever the number of rows."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from kaoping.core.reads import Read
from kaoping.people.models import Cadre, Town
from kaoping.results.models import Correction, CorrectionStatus

from .models import Appeal, AppealStatus


def office_list(town: Town) -> list[Appeal]:
    """Every objection and review of the town: the open ones first, soonest (most overdue) due
    first, then the answered ones, latest first (one query)."""
    open_first = Case(
        When(status=AppealStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        Appeal.objects.filter(town=town)
        .select_related("cadre", "answered_by")
        .annotate(open_first=open_first)
        .order_by("open_first", "due_on", "-answered_at", "pk")
    )


def open_for_town(town: Town) -> list[Appeal]:
    """The town's open objections and reviews, soonest due first (one query)."""
    return list(
        Appeal.objects.filter(town=town, status=AppealStatus.OPEN)
        .select_related("cadre")
        .order_by("due_on", "pk")
    )


def for_cadre(town: Town, cadre_id: int | None) -> list[Appeal]:
    """A cadre's objections and reviews, the open ones first (one query; none without a cadre)."""
    if cadre_id is None:
        return []
    open_first = Case(
        When(status=AppealStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        Appeal.objects.filter(town=town, cadre_id=cadre_id)
        .select_related("answered_by")
        .annotate(open_first=open_first)
        .order_by("open_first", "due_on", "-raised_at", "pk")
    )


def history(cadre: Cadre) -> list[Appeal]:
    """Every objection and review of the cadre over the years, oldest first, with what became of the
    corrections they led to (two queries at most), for the dossier."""
    return with_follow_ups(
        list(Appeal.objects.filter(cadre=cadre).select_related("answered_by").order_by("raised_at", "pk"))
    )


# Read on every published month's breakdown page: a statement built once (core/reads.py).
_FOR_SUBJECT = Read(Appeal, "t.kind = %s AND t.subject_id = %s", order_by="t.raised_at, t.id")


def for_subject(kind: str, subject_id: int) -> list[Appeal]:
    """The objections and reviews about one subject, oldest first (one query)."""
    return _FOR_SUBJECT.all(kind, subject_id)


def for_subjects(kind: str, subject_ids: list[int]) -> dict[int, list[Appeal]]:
    """The objections and reviews about each of these subjects of a kind, oldest first (one query)."""
    found: dict[int, list[Appeal]] = {}
    for appeal in Appeal.objects.filter(kind=kind, subject_id__in=subject_ids).order_by("raised_at", "pk"):
        found.setdefault(appeal.subject_id, []).append(appeal)
    return found


# --- What became of the change an answer led to ------------------------------------------------------

CORRECTION_REFERENCE = "results.correction:"  # `monthly.improve`'s reference: the month's correction


@dataclass(frozen=True)
class FollowUp:
    """The correction an upheld objection or improved review went into, as decided since."""

    status: str  # a `CorrectionStatus`
    number: int | None
    reason: str

    @property
    def declined(self) -> bool:
        return self.status == CorrectionStatus.DECLINED

    def __str__(self) -> str:
        if self.status == CorrectionStatus.PUBLISHED:
            return _("correction No. %(number)d published") % {"number": self.number}
        if self.declined:
            return _("correction declined: %(reason)s") % {"reason": self.reason}
        return _("correction waiting for its decision")


def with_follow_ups(appeals: list[Appeal]) -> list[Appeal]:
    """Set each appeal's `follow_up` from the correction its reference names (None for an appeal that
    led to none): one query for the whole list, none when no appeal led to a correction."""
    ids = {}
    for appeal in appeals:
        prefix, _sep, pk = appeal.reference.partition(CORRECTION_REFERENCE)
        ids[appeal.pk] = int(pk) if not prefix and pk.isdigit() else None
    wanted = {pk for pk in ids.values() if pk is not None}
    found = (
        {c.pk: FollowUp(c.status, c.number, c.reason) for c in Correction.objects.filter(pk__in=wanted)}
        if wanted
        else {}
    )
    for appeal in appeals:
        appeal.follow_up = found.get(ids[appeal.pk])  # type: ignore[assignment]
    return appeals

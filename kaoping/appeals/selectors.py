"""Reads of objections and reviews for the pages, the home page, the inbox and the dossier; each in
one query whatever the number of rows."""

from django.db.models import Case, IntegerField, Value, When

from kaoping.people.models import Cadre, Town

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
    """Every objection and review of the cadre over the years, oldest first (one query), for the dossier."""
    return list(Appeal.objects.filter(cadre=cadre).select_related("answered_by").order_by("raised_at", "pk"))


def for_subject(kind: str, subject_id: int) -> list[Appeal]:
    """The objections and reviews about one subject, oldest first (one query)."""
    return list(Appeal.objects.filter(kind=kind, subject_id=subject_id).order_by("raised_at", "pk"))


def for_subjects(kind: str, subject_ids: list[int]) -> dict[int, list[Appeal]]:
    """The objections and reviews about each of these subjects of a kind, oldest first (one query)."""
    found: dict[int, list[Appeal]] = {}
    for appeal in Appeal.objects.filter(kind=kind, subject_id__in=subject_ids).order_by("raised_at", "pk"):
        found.setdefault(appeal.subject_id, []).append(appeal)
    return found

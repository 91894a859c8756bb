"""The second kind of subject of objections and reviews: a cadre's annual grade (``"annual.grade"``),
registered in `apps.py`.

A subject is an `AnnualResult` with a grade, of a published year: its outcome is the level in force
(0 优秀 … 3, worst first in `WORST_TO_BEST`), its publication window opens the day the year is
published, and it is confirmed by the office's own step (`confirmed_apart`: no review before it). An
improvement is a better grade through `publication.grade_improve` (the one audited write of a grade).
"""

from collections.abc import Iterable, Mapping

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.core import subjects
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param
from kaoping.engine import grading
from kaoping.people.models import Town

from . import publication
from .models import AnnualPublication, AnnualResult, grade_label

KEY = publication.KEY
WORST_TO_BEST = tuple(sorted(grading.LEVELS, reverse=True))  # 3 不称职 … 0 优秀


def _subject(result: AnnualResult, town: Town, published: AnnualPublication) -> subjects.Subject:
    return subjects.Subject(
        kind=KEY,
        id=result.pk,
        town_id=town.pk,
        cadre_id=result.cadre_id,
        label=_("Annual grade of %(year)d") % {"year": result.year},
        url=reverse("annual:cadre", args=[town.slug, result.year, result.cadre_id]),
        outcome=result.level,
        outcome_label=grade_label(result.scale, result.level),
        published_on=published.published_on,
        confirmed_on=published.confirmed_on,
        confirmed_apart=True,
    )


def load(town: Town, ids: Iterable[int]) -> dict[int, subjects.Subject]:
    """The graded annual results with these ids in `town`, of a published year (two queries)."""
    rows = list(AnnualResult.objects.filter(pk__in=list(ids), town=town, level__isnull=False))
    if not rows:
        return {}
    published = {
        p.year: p for p in AnnualPublication.objects.filter(town=town, year__in={r.year for r in rows})
    }
    return {r.pk: _subject(r, town, published[r.year]) for r in rows if r.year in published}


def subject_of(
    result: AnnualResult, town: Town, published: AnnualPublication | None
) -> subjects.Subject | None:
    """A result read elsewhere with its year's publication, as a subject (no query); None when the
    year is not published or the result has no grade."""
    if published is None or result.level is None:
        return None
    return _subject(result, town, published)


def improvement_context(subject: subjects.Subject) -> dict:
    """The better grades, worst first, in the words of the cadre's scale (one query)."""
    result = AnnualResult.objects.filter(pk=subject.id).only("scale", "level").first()
    if result is None:
        return {"better_grades": []}
    return {
        "better_grades": [
            (level, grade_label(result.scale, level)) for level in publication.better_levels(result.level)
        ]
    }


def improve(
    *, actor: User, subject: subjects.Subject, data: Mapping[str, str], reason: str
) -> subjects.Improvement:
    """Set the better grade chosen in the answer form, through the annual grade's audited path."""
    level = int_param(data.get("level"), low=0, high=grading.LOWEST)
    if level is None:
        raise DomainError(_("Choose the better grade."))
    result = AnnualResult.objects.select_related("town").filter(pk=subject.id).first()
    if result is None:
        raise DomainError(_("The result this is about can no longer be found."))
    result = publication.grade_improve(actor=actor, result=result, level=level, reason=reason)
    return subjects.Improvement(
        outcome=result.level,
        outcome_label=grade_label(result.scale, result.level),
        reference=f"annual.result:{result.pk}",
        reference_url=reverse("annual:cadre", args=[result.town.slug, result.year, result.cadre_id]),
    )


def register_kind() -> None:
    subjects.register(
        subjects.Kind(
            key=KEY,
            label=gettext_lazy("Annual grade"),
            load=load,
            improve=improve,
            improvement_template="annual/_improve_grade.html",
            improvement_context=improvement_context,
            worst_to_best=WORST_TO_BEST,
            reference_label=gettext_lazy("The annual grade"),
            reference_note=gettext_lazy("(the grade in force is changed at once)"),
            answer_note=gettext_lazy(
                "The written answer cannot be changed once sent: the cadre reads it. A better grade "
                "replaces the grade in force at once, with the answer as its reason, recorded in the "
                "audit log; 优秀 only within the pool's places."
            ),
        )
    )

"""The first kind of subject: a cadre's published monthly result (``"results.month"``).

Its publication window opens the day the month is published; its outcome is the stored total
(higher is better); an improvement is a corrected score proposed through the results' one correction
path (`results.corrections.score_correct`): the month's pending correction, published as a numbered
correction (更正) by the office or the Party secretary, never by whoever proposed it.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.core import subjects
from kaoping.core.errors import DomainError
from kaoping.core.params import id_param
from kaoping.people.models import Town
from kaoping.results import corrections
from kaoping.results.models import MonthlyResult
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring.models import Period, PeriodStatus, ScoreSheet

KEY = "results.month"


def _subject(result: MonthlyResult, town: Town) -> subjects.Subject:
    return _month_subject(result.pk, result.cadre_id, result.total, result.period, town)


def _month_subject(
    result_id: int, cadre_id: int, total: Decimal, period: Period, town: Town
) -> subjects.Subject:
    month = f"{period.month:%Y-%m}"
    return subjects.Subject(
        kind=KEY,
        id=result_id,
        town_id=town.pk,
        cadre_id=cadre_id,
        label=_("Monthly result of %(month)s") % {"month": month},
        url=reverse("scoring:breakdown", args=[town.slug, month, cadre_id]),
        outcome=total,
        outcome_label=f"{total:.2f}",
        published_on=timezone.localtime(period.published_at).date(),
    )


def load(town: Town, ids: Iterable[int]) -> dict[int, subjects.Subject]:
    """The published monthly results with these ids in `town` (one query)."""
    rows = MonthlyResult.objects.filter(
        pk__in=list(ids),
        period__town=town,
        period__status=PeriodStatus.PUBLISHED,
        period__published_at__isnull=False,
    ).select_related("period")
    return {row.pk: _subject(row, town) for row in rows}


def for_result(
    town: Town, period: Period, cadre_id: int, *, result_id: str, total: str
) -> subjects.Subject | None:
    """The cadre's published result of `period` (a month of `town`, already read), as a subject, from
    the result's id and total the breakdown page has read with it (text, "" when there is no result):
    no query. None when there is no result, or the month is not published."""
    if not result_id or period.town_id != town.pk:
        return None
    if period.status != PeriodStatus.PUBLISHED or period.published_at is None:
        return None
    return _month_subject(int(result_id), cadre_id, Decimal(total), period, town)


def improvement_context(subject: subjects.Subject) -> dict:
    """The indicators the cadre has a published score on, for the corrected-score fields."""
    result = with_basis(MonthlyResult.objects.filter(pk=subject.id)).first()
    lines = breakdown_lines(result) if result is not None else None
    return {
        "indicators": [
            (line["indicator"], f"{line['code']} {line['name']} ({line['raw']})")
            for line in lines or ()
            if line["raw"] is not None
        ]
    }


def improve(
    *, actor: User, subject: subjects.Subject, data: Mapping[str, str], reason: str
) -> subjects.Improvement:
    """Propose the corrected score through the results' correction path; the month's pending
    correction says the cadre's new total, which is the outcome the review is held to."""
    result = MonthlyResult.objects.select_related("period", "cadre").get(pk=subject.id)
    sheet = ScoreSheet.objects.filter(period=result.period, scheme_id=result.scheme_id).first()
    if sheet is None:
        raise DomainError(_("The month has no score sheet for this result."))
    pending = corrections.score_correct(
        actor=actor,
        sheet=sheet,
        cadre=result.cadre,
        indicator_id=id_param(data.get("indicator")) or 0,
        value=data.get("value", ""),
        reason=reason,
    )
    line = next((x for x in (pending.changes if pending else []) if x["cadre"] == result.cadre_id), None)
    if pending is None or line is None or line["new"] is None:
        raise DomainError(_("The corrected score does not change the cadre's total."))
    total = Decimal(line["new"]["total"])
    return subjects.Improvement(
        outcome=total,
        outcome_label=f"{total:.2f}",
        reference=f"results.correction:{pending.pk}",
        reference_url=reverse("results:correction_detail", args=[result.period.town.slug, pending.pk]),
    )


def register_kind() -> None:
    subjects.register(
        subjects.Kind(
            key=KEY,
            label=gettext_lazy("Monthly result"),
            load=load,
            improve=improve,
            improvement_template="appeals/_improve_month.html",
            improvement_context=improvement_context,
        )
    )


def subject_of(result: MonthlyResult, town: Town) -> subjects.Subject:
    """A published result read elsewhere (with its period), as a subject: no query."""
    return _subject(result, town)

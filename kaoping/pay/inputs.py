"""What pay reads of the annual evaluation: each member's annual score, grade and months, in one
place, so that a change of the annual app meets pay here only.

Who is a member of a plan:

- the bonus of non-established staff: the cadres graded in the non-established pool of the year (the
  pool of their last published month, as the annual evaluation grades them), and the non-established
  staff in service who have no annual result for the year (listed apart, unpaid);
- the incentive pay of public-institution staff: the cadres of personnel type public-institution staff
  (事业单位人员), graded in whatever pool they were assessed with, and those in service without an
  annual result (listed apart).

A member is paid only with an annual score and a grade in force (`AnnualResult.level`) of a year
whose grades the office has confirmed after their publication (`AnnualPublication.confirmed_at`); an
undetermined case (不确定等次), a year without a published month, a pool not yet computed or grades
not yet confirmed get nothing, with the reason. Five queries, whatever the number of members.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from kaoping.annual.models import AnnualCase, AnnualPublication, AnnualResult, CaseKind, grade_label
from kaoping.engine import grading
from kaoping.people.models import AgencyCategory, Cadre, PersonnelType, Population, Town
from kaoping.results import selectors as results

from .models import PlanKind, Unpaid

NON_ESTABLISHED_POOL = f"{Population.AGENCY}:{AgencyCategory.NON_ESTABLISHED}"

# The scale whose words name a plan's grade levels on its settings page (both are the institution's:
# the law names no scale for non-established staff, `engine.grading`).
PLAN_SCALES = {
    PlanKind.NON_ESTABLISHED_BONUS: grading.OTHER,
    PlanKind.INSTITUTION_INCENTIVE: grading.PUBLIC_INSTITUTION,
}


@dataclass(frozen=True)
class Member:
    """One member of a plan as the annual evaluation has them this year."""

    cadre: Cadre
    has_result: bool
    score: Decimal | None
    level: int | None
    scale: str
    months: int  # their months with a published total
    case_detail: str = ""  # the reason of an undetermined case, in words
    confirmed: bool = True  # the year's grades are confirmed

    @property
    def grade(self) -> str:
        return grade_label(self.scale, self.level)

    @property
    def unpaid(self) -> str:
        """Why the member gets nothing ("" when paid)."""
        if not self.has_result:
            return Unpaid.NO_RESULT
        if self.score is None:
            return Unpaid.NO_SCORE
        if self.level is None:
            return Unpaid.NO_GRADE
        if not self.confirmed:
            return Unpaid.NOT_CONFIRMED
        return ""


def _result_filter(kind: str) -> Q:
    if kind == PlanKind.NON_ESTABLISHED_BONUS:
        return Q(pool=NON_ESTABLISHED_POOL)
    return Q(cadre__personnel_type=PersonnelType.PUBLIC_INSTITUTION) | Q(scale=grading.PUBLIC_INSTITUTION)


def _cadre_filter(kind: str) -> Q:
    if kind == PlanKind.NON_ESTABLISHED_BONUS:
        return Q(population=Population.AGENCY, agency_category=AgencyCategory.NON_ESTABLISHED)
    return Q(personnel_type=PersonnelType.PUBLIC_INSTITUTION)


def members(town: Town, year: int, kind: str) -> list[Member]:
    """The plan's members, by name: those with an annual result first read from it (four queries)."""
    confirmed = AnnualPublication.objects.filter(town=town, year=year, confirmed_at__isnull=False).exists()
    rows = list(
        AnnualResult.objects.filter(_result_filter(kind), town=town, year=year).select_related(
            "cadre__department", "cadre__village"
        )
    )
    graded = {r.cadre_id for r in rows}
    without = list(
        Cadre.objects.filter(_cadre_filter(kind), town=town, is_active=True)
        .exclude(pk__in=graded)
        .select_related("department", "village")
    )
    cases = {
        c.cadre_id: c for c in AnnualCase.objects.filter(town=town, year=year, kind=CaseKind.UNDETERMINED)
    }
    found = [
        Member(
            cadre=r.cadre,
            has_result=True,
            score=r.score,
            level=r.level,
            scale=r.scale,
            months=len(r.months or []),
            case_detail=_case_words(cases.get(r.cadre_id)),
            confirmed=confirmed,
        )
        for r in rows
    ]
    # A graded member's words are those of their result (the scale of their pool of that year); one
    # without a result has only the cadre as they are today (the same rule, `people.models.grade_scale`).
    found += [
        Member(cadre=c, has_result=False, score=None, level=None, scale=c.grade_scale, months=0)
        for c in without
    ]
    return sorted(found, key=lambda m: (m.cadre.name, m.cadre.pk))


def _case_words(case: AnnualCase | None) -> str:
    if case is None:
        return ""
    return str(case.get_reason_display()) + (f" {case.detail}" if case.detail else "")


def year_months(town: Town, year: int) -> int:
    """How many months of the year are published (one query): the denominator of the share assessed."""
    return len(results.published_months(town, year))


def level_words(kind: str, level: int) -> str:
    """The grade of a level in the words of the plan's scale: 优秀, 合格, 基本合格, 不合格."""
    return grade_label(PLAN_SCALES[PlanKind(kind)], level)


def grade_words(scale: str, level: int | None) -> str:
    """A stored grade (scale and level) in words; "" for no grade."""
    return grade_label(scale, level)


def latest_confirmed_year(town: Town) -> int | None:
    """The latest year whose annual grades the office has confirmed after their publication (one
    query; None: none yet)."""
    return (
        AnnualPublication.objects.filter(town=town, confirmed_at__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )

"""The demo town's annual evaluation (年度综合评价): the year 2025 complete, 2026 in progress.

2025 is done through the services, by the assessment office (kaohe), each step dated as it would have
been (time-machine, as the supervision demo does), so that the audit log reads true. Its steps, in order
(`load_demo_annual`):

1. settings (`settings_step`, December 2025): the field's defaults (mean of the published months, 优秀
   at most 20% of each pool, 70 and 60), every pool graded, and the places of the honours. The app
   sets the 优秀 share for the whole year, not for one pool: the demo keeps 20%, as the article's
   town does.
2. cases (`cases_step`, December 2025): a window clerk hired in March 2025 is in their probation year
   (不确定等次: no grade, not counted in the pool); a village head carries a veto (一票否决) for a
   forest fire in their village, locking the grade at 称职/合格.
3. compute (`compute_step`, 12 January 2026, once December is published): every graded pool's proposal.
4. grade change (`grade_change_step`, the next day): the office lowers the last 优秀 among the civil
   servants of the established agency cadres to 称职 for a reprimand (诫勉) of the year, with the
   reason. Lowering always stays within the 优秀 quota; raising another into the place freed is left
   to the office.
5. honours (`honours_step`): read from the final grades and the places set in step 1.

The publication of the proposal (公示) and its confirmation come after step 5 (`kaoping.site.demo`
calls pay after this module, so that they can go between).

The article's town honoured 28 excellent agency cadres, 6 excellent village heads and 21 advanced
village collectives in 2022. Honours go to 优秀 grades only, at most 20% of each pool: the demo's
agency pools (its 90 agency cadres are the article's) give 17 优秀 places and its 21 village heads 4,
so it sets 15 agency places (honours need not take every 优秀), 4 heads and 5 of its 21 village
collectives (about the share of the agency cadres honoured).

Three consecutive years of 优秀 (三等功) cannot be shown: the demo's history starts in October 2024,
so no cadre has a 2024 (or 2023) annual grade, and none is made up.

2026 (`year_in_progress_step`): its settings are saved in January 2026, the same as 2025's; no pool
is computed, as the year is not over on the demo's today (November is still open), and the pages
show its pools waiting for the year's months.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from kaoping.accounts.models import Role, User
from kaoping.engine import grading
from kaoping.people.models import AgencyCategory, Cadre, Population, Town

from . import scores, selectors, services
from .models import AnnualCase, AnnualResult, CaseKind, PoolProposal, UndeterminedReason, YearSettings

YEAR = 2025
IN_PROGRESS = 2026
SETTINGS_ON = (date(2025, 12, 16), 10)
CASES_ON = (date(2025, 12, 22), 15)
COMPUTED_ON = (date(2026, 1, 12), 9)
CHANGED_ON = (date(2026, 1, 13), 16)
NEXT_YEAR_ON = (date(2026, 1, 5), 10)
# The places of the honours (see the module's text for how they scale the article's 2022 figures).
AGENCY_HONOURS, HEAD_HONOURS, COLLECTIVE_HONOURS = 15, 4, 5
PROBATION_DETAIL = "2025年3月新聘用，试用期未满，本年度不确定等次。"
VETO_DETAIL = "2025年3月该村发生森林火情，村党支部书记负有属地管理责任，年度考核实行一票否决，不得评为优秀。"
CHANGE_REASON = (
    "该同志2025年10月因信访事项办理不到位受到诫勉谈话，经镇考核委员会研究、报镇党委同意，"
    "年度等次由优秀调整为称职。"
)
ESTABLISHED_POOL = f"{Population.AGENCY}:{AgencyCategory.ESTABLISHED}"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at `hour` o'clock in the town's time zone: when a step of the demo happened."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _office(town: Town) -> User:
    user = User.objects.filter(roles__town=town, roles__role=Role.ASSESSMENT_OFFICE).order_by("pk").first()
    if user is None:
        raise ValueError("the demo town has no assessment-office user")
    return user


def _values(**places) -> dict:
    """The field's defaults with the honours' places: what the office saves."""
    defaults = YearSettings(year=YEAR)
    values = {name: getattr(defaults, name) for name in services.SETTINGS_FIELDS}
    return {**values, **places}


@dataclass
class Step:
    """What the steps share: the town, the office and the counts they add."""

    town: Town
    office: User
    counts: dict[str, int]


def settings_step(step: Step) -> None:
    """The office saves 2025's settings: the defaults, every pool graded, the honours' places."""
    import time_machine  # the demo replays the past; time-machine dates each step

    with time_machine.travel(at(*SETTINGS_ON)):
        services.settings_save(
            actor=step.office,
            town=step.town,
            year=YEAR,
            values=_values(
                agency_honours=AGENCY_HONOURS,
                head_honours=HEAD_HONOURS,
                collective_honours=COLLECTIVE_HONOURS,
            ),
            based_on=None,
        )


def cases_step(step: Step) -> None:
    """An undetermined case (the window clerk's probation year) and a veto (a village head's)."""
    import time_machine

    town = step.town
    clerk = Cadre.objects.filter(town=town, position="综合窗口受理员").order_by("-pk").first()
    _months, cadres = scores.year_of(town, YEAR)
    heads = sorted(
        scores.pools_of(cadres).get(scores.HEADS_POOL, []), key=lambda e: (-e.standing.total, e.cadre_id)
    )
    with time_machine.travel(at(*CASES_ON)):
        if clerk is not None:
            services.case_save(
                actor=step.office,
                town=town,
                year=YEAR,
                cadre=clerk,
                kind=CaseKind.UNDETERMINED,
                reason=UndeterminedReason.PROBATION,
                detail=PROBATION_DETAIL,
            )
        if heads:  # the best-scored head: the veto takes a 优秀 the score would have given
            services.case_save(
                actor=step.office,
                town=town,
                year=YEAR,
                cadre=Cadre.objects.get(pk=heads[0].cadre_id),
                kind=CaseKind.VETO,
                detail=VETO_DETAIL,
                veto_level=1,
            )
    step.counts["annual_cases"] = AnnualCase.objects.filter(town=town, year=YEAR).count()


def compute_step(step: Step) -> None:
    """Every graded pool's proposal, computed once the year's last month is published."""
    import time_machine

    settings, _defaults = scores.year_settings(step.town, YEAR)
    pools = scores.graded_pools(settings)
    with time_machine.travel(at(*COMPUTED_ON)):
        for pool in pools:
            services.pool_compute(actor=step.office, town=step.town, year=YEAR, pool=pool)
    step.counts["annual_pools"] = PoolProposal.objects.filter(town=step.town, year=YEAR).count()
    step.counts["annual_results"] = AnnualResult.objects.filter(town=step.town, year=YEAR).count()


def grade_change_step(step: Step) -> None:
    """The office lowers the last 优秀 civil servant of the established agency cadres to 称职, with the
    reason."""
    import time_machine

    # A civil servant: the stations' staff are public-institution staff, whose second grade is 合格.
    last = (
        AnnualResult.objects.filter(
            town=step.town,
            year=YEAR,
            pool=ESTABLISHED_POOL,
            level=grading.EXCELLENT,
            scale=grading.CIVIL_SERVANT,
        )
        .order_by("-rank", "cadre_id")
        .first()
    )
    if last is None:
        return
    with time_machine.travel(at(*CHANGED_ON)):
        services.grade_change(
            actor=step.office, result=last, level=1, reason=CHANGE_REASON, based_on=last.version
        )
    step.counts["annual_changes"] = 1


def honours_step(step: Step) -> None:
    """The honours follow from the final grades and the places: counted here, written nowhere."""
    settings, _defaults = scores.year_settings(step.town, YEAR)
    honours = selectors.honours(step.town, YEAR, settings)
    step.counts["honours_agency"] = len(honours.agency)
    step.counts["honours_heads"] = len(honours.heads)
    step.counts["honours_collectives"] = sum(c.honoured for c in honours.collectives)


STEPS = (settings_step, cases_step, compute_step, grade_change_step, honours_step)


def load_demo_annual(town: Town) -> dict[str, int]:
    """The demo town's 2025 annual evaluation, step by step (`STEPS`); return the counts. Call it after
    the monthly history (it reads 2025's published months)."""
    step = Step(town, _office(town), {})
    for run in STEPS:
        run(step)
    return step.counts


def year_in_progress_step(town: Town) -> dict[str, int]:
    """2026 under way: the office saves its settings in January, as 2025's; no pool is computed."""
    import time_machine

    with time_machine.travel(at(*NEXT_YEAR_ON)):
        services.settings_save(
            actor=_office(town),
            town=town,
            year=IN_PROGRESS,
            values=_values(
                agency_honours=AGENCY_HONOURS,
                head_honours=HEAD_HONOURS,
                collective_honours=COLLECTIVE_HONOURS,
            ),
            based_on=None,
        )
    return {"annual_years_in_progress": 1}

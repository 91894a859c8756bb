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

6. publication (`publication_step`, 14 January 2026): the office publishes the grades to the town (公示)
   for the default window of 5 working days.
7. objection (`objection_step`): a cadre graded 称职 just below the 优秀 places objects on 15 January;
   the office rejects it in writing on 19 January (every 优秀 place is taken).
8. confirmation (`confirmation_step`, 22 January): the window has passed and every objection is
   answered; the statutory review window (30 days) opens.
9. review (`review_step`): a cadre asks for a review on 23 January and the office decides on 25 January,
   before pay is computed: a 基本称职/基本合格 raised one grade where the demo has one among the cadres
   with an account, otherwise a grade kept with its written reasons.

Pay (`kaoping.pay.demo`) follows, from the confirmed grades.

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
from kaoping.appeals import services as appeals
from kaoping.appeals.models import Appeal, Stage
from kaoping.engine import grading
from kaoping.people.models import AgencyCategory, Cadre, Population, Town

from . import publication, scores, selectors, services
from .models import (
    AnnualCase,
    AnnualPublication,
    AnnualResult,
    CaseKind,
    PoolProposal,
    UndeterminedReason,
    YearSettings,
)

YEAR = 2025
IN_PROGRESS = 2026
SETTINGS_ON = (date(2025, 12, 16), 10)
CASES_ON = (date(2025, 12, 22), 15)
COMPUTED_ON = (date(2026, 1, 12), 9)
CHANGED_ON = (date(2026, 1, 13), 16)
NEXT_YEAR_ON = (date(2026, 1, 5), 10)
PUBLISHED_ON = (date(2026, 1, 14), 10)
OBJECTED_ON = (date(2026, 1, 15), 9)
OBJECTION_ANSWERED_ON = (date(2026, 1, 19), 15)
CONFIRMED_ON = (date(2026, 1, 22), 10)
REVIEW_ASKED_ON = (date(2026, 1, 23), 9)
REVIEW_DECIDED_ON = (date(2026, 1, 25), 16)
OBJECTION_REASON = (
    "本人2025年度月度考核总分在本类别中排名靠前，全年无违纪违规情况，承担的重点项目均按期完成，"
    "请求将年度等次评定为优秀。"
)
OBJECTION_ANSWER = (
    "经核实，你的年度得分由2025年各月已发布总分的平均值计算，计分无误；本类别优秀名额已按得分顺序"
    "全部确定，你的排名在名额之外。异议不成立，维持称职等次。对确认后的等次不服的，可在30日内申请复核。"
)
REVIEW_REASON = "本人2025年承担了多项上级临时交办的急难险重任务，年度等次评定未予充分考虑，请求复核。"
REVIEW_IMPROVED = (
    "经复核，该同志承担的上级临时交办重点工作在年度评定中未予充分考虑，经镇考核委员会研究，"
    "年度等次调整为高一等次。"
)
REVIEW_KEPT = "经复核，年度得分计算与等次评定符合本镇年度考核办法，维持原等次。"
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


def publication_step(step: Step) -> None:
    """The office publishes the year's grades to the town for the default window."""
    import time_machine

    with time_machine.travel(at(*PUBLISHED_ON)):
        publication.publish(actor=step.office, town=step.town, year=YEAR, confirmed=True)
    step.counts["annual_published"] = 1


def _with_account(town: Town, level: int) -> list[tuple[User, AnnualResult]]:
    """The cadres with an account graded `level` in 2025, best ranked first (two queries)."""
    rows = AnnualResult.objects.filter(town=town, year=YEAR, level=level).order_by("rank", "cadre_id")
    users = {
        u.cadre_id: u
        for u in User.objects.filter(cadre_id__in=[r.cadre_id for r in rows]).order_by("username")
    }
    return [(users[r.cadre_id], r) for r in rows if r.cadre_id in users]


def _answer(step: Step, user: User, result: AnnualResult, stage: str, raised, answered, **answer) -> Appeal:
    """A cadre's objection or review of their grade, raised and answered on the days given."""
    import time_machine

    with time_machine.travel(at(*raised)):
        appeal = appeals.appeal_raise(
            actor=user,
            town=step.town,
            stage=stage,
            kind=publication.KEY,
            subject_id=result.pk,
            reason=answer.pop("reason"),
            token=f"demo-annual-{stage}",
        )
    with time_machine.travel(at(*answered)):
        appeals.appeal_answer(
            actor=step.office, appeal=appeal, based_on=appeal.version, confirmed=True, **answer
        )
    return appeal


def objection_step(step: Step) -> None:
    """The best-ranked 称职 with an account objects; the office answers that every 优秀 place is taken."""
    graded = _with_account(step.town, 1)
    if not graded:
        return
    user, result = graded[0]
    _answer(
        step,
        user,
        result,
        Stage.OBJECTION,
        OBJECTED_ON,
        OBJECTION_ANSWERED_ON,
        reason=OBJECTION_REASON,
        change=False,
        answer=OBJECTION_ANSWER,
        data={},
    )
    step.counts["annual_objections"] = 1


def confirmation_step(step: Step) -> None:
    """After the window, with the objection answered, the office confirms the grades."""
    import time_machine

    with time_machine.travel(at(*CONFIRMED_ON)):
        published = AnnualPublication.objects.get(town=step.town, year=YEAR)
        publication.confirm(
            actor=step.office, town=step.town, year=YEAR, based_on=published.version, confirmed=True
        )
    step.counts["annual_confirmed"] = 1


def review_step(step: Step) -> None:
    """A review of a confirmed grade: a 基本称职/基本合格 raised one grade if a cadre with an account has
    one, otherwise a 称职/合格 kept with its reasons."""
    lower = _with_account(step.town, 2)
    improved = bool(lower)
    graded = lower or _with_account(step.town, 1)[1:]  # not the cadre who objected
    if not graded:
        return
    user, result = graded[0]
    _answer(
        step,
        user,
        result,
        Stage.REVIEW,
        REVIEW_ASKED_ON,
        REVIEW_DECIDED_ON,
        reason=REVIEW_REASON,
        change=improved,
        answer=REVIEW_IMPROVED if improved else REVIEW_KEPT,
        data={"level": "1"} if improved else {},
    )
    step.counts["annual_reviews"] = 1


STEPS = (
    settings_step,
    cases_step,
    compute_step,
    grade_change_step,
    honours_step,
    publication_step,
    objection_step,
    confirmation_step,
    review_step,
)


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

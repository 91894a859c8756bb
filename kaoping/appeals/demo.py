"""The demo town's objections (异议) and review (复核) of 2026's monthly results, raised by cadres with an
account about their own results and answered in writing by the assessment office (kaohe), each step
dated in its window (time-machine), under the default rules (5 working days of publication, an
objection answered within 5 working days after it is raised, 30 days to ask for a review, 30 to decide
it):

- the demo cadre (招商专员) objects to August's result on 9 September: a signed project was not counted.
  Upheld on 11 September with the corrected score, which the Party secretary (shuji) publishes as a
  correction (更正) the same afternoon: the month's results change through the one correction path;
- the supervision office's head objects to September's result on 9 October; rejected on 12 October
  with a written answer;
- the village-cadres' scorer (组织干事) objects to October's result on 12 November, the day before its
  window closes, due five working days later (19 November): still waiting for the answer on the
  demo's today (the office's home page shows it, past its due date);
- the Party-building office's head asks for a review of July's result on 20 August, after its window;
  decided on 3 September: the result is kept, with the written reasons.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from kaoping.accounts.models import Role, User
from kaoping.indicators.models import RuleKind
from kaoping.people.models import Town
from kaoping.results import corrections
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult
from kaoping.scoring.models import ScoreEntry

from . import monthly, services
from .models import Appeal, AppealStatus, Stage


@dataclass(frozen=True)
class Case:
    username: str  # the cadre's account
    month: date  # the result objected to
    stage: str
    raised: tuple[date, int]
    reason: str
    answered: tuple[date, int] | None = None  # None: still open
    change: bool = False
    answer: str = ""


UPHELD = Case(
    "cadre",
    date(2026, 8, 1),
    Stage.OBJECTION,
    (date(2026, 9, 9), 15),
    "8月份招商引资工作中，我引进的海洋食品加工项目已于8月28日签约，合同已报经济发展办公室备案，"
    "但当月考核未计入该项得分，请予核实更正。",
    (date(2026, 9, 11), 10),
    True,
    "经核实，该项目签约合同于8月28日签订并已备案，属当月完成事项，评分时漏计。异议成立，"
    "该项得分予以更正，报镇党委书记审核后发布更正公告。",
)
REJECTED = Case(
    "ducha",
    date(2026, 9, 1),
    Stage.OBJECTION,
    (date(2026, 10, 9), 9),
    "9月份督促落实指标扣分偏多，部分督办事项因上级政策调整延期，不应按超期扣分。",
    (date(2026, 10, 12), 15),
    False,
    "经查督查台账，所涉督办事项的延期申请未按规定程序报批，9月份评分依据充分、计分准确。"
    "异议不成立，维持原考核结果。如对答复不服，可在公示期满后申请复核。",
)
OPEN = Case(
    "scorer-village",
    date(2026, 10, 1),
    Stage.OBJECTION,
    (date(2026, 11, 12), 11),
    "10月份党建工作指标中“三会一课”督导次数统计有误，实际督导6次，考核仅按4次计分，请予核实。",
)
REVIEW = Case(
    "dangjian",
    date(2026, 7, 1),
    Stage.REVIEW,
    (date(2026, 8, 20), 10),
    "7月份考核中党建品牌创建指标得分偏低，本单位已完成示范点建设并通过市级验收，申请复核。",
    (date(2026, 9, 3), 16),
    False,
    "经复核，示范点市级验收于8月完成，应计入8月份考核，7月份评分符合考核细则。维持原考核结果，"
    "验收情况已在8月份考核中计分。对复核决定不服的，可自收到之日起15日内向上级机关提出申诉。",
)
CASES = (REVIEW, UPHELD, REJECTED, OPEN)
CORRECTION_REASON = "考核办答复异议成立，漏计得分经核实无误，予以更正。"


def _at(when: tuple[date, int], minute: int = 0) -> datetime:
    day, hour = when
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _corrected_cell(result: MonthlyResult) -> tuple[int, Decimal] | None:
    """A cell of the cadre's month scored below what its indicator gives at most, and a better value:
    a manual score raised by up to 2 points, or a completion raised to its target."""
    cells = (
        ScoreEntry.objects.filter(
            sheet__period=result.period, sheet__scheme_id=result.scheme_id, cadre_id=result.cadre_id
        )
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator_id")
    )
    for cell in cells:
        indicator = cell.indicator
        if indicator.rule_kind == RuleKind.MANUAL and cell.value < indicator.max_score:
            return indicator.pk, min(indicator.max_score, cell.value + 2)
        if indicator.rule_kind == RuleKind.COMPLETION and indicator.target and cell.value < indicator.target:
            return indicator.pk, indicator.target
    return None


def load_demo_appeals(town: Town, *, raised_before: date | None = None) -> dict[str, int]:
    """The four cases above, through `appeal_raise` and `appeal_answer` (and, for the upheld one, the
    correction's publication). Return the counts.

    `raised_before`: only the cases raised before that day, so that the monthly history can play them
    in their place among the other steps of the year (the upheld objection's correction is published
    before the quarter's evaluation round corrects the same month). A case already raised is skipped;
    called without it after the monthly history, it plays the cases left.
    """
    import time_machine  # the demo replays the past; time-machine dates each step

    users = {u.username: u for u in User.objects.filter(username__in={c.username for c in CASES})}
    office = User.objects.filter(roles__town=town, roles__role=Role.ASSESSMENT_OFFICE).order_by("pk").first()
    leader = User.objects.filter(roles__town=town, roles__role=Role.MAIN_LEADER).order_by("pk").first()
    if office is None or leader is None:
        raise ValueError("the demo town has no assessment office or main leader")
    raised = set(Appeal.objects.filter(town=town).values_list("token", flat=True))
    for n, case in enumerate(CASES, start=1):
        token = f"demo-{case.stage}-{n}"
        if token in raised or (raised_before is not None and case.raised[0] >= raised_before):
            continue
        user = users[case.username]
        result = (
            MonthlyResult.objects.filter(period__town=town, period__month=case.month, cadre_id=user.cadre_id)
            .select_related("period")
            .get()
        )
        with time_machine.travel(_at(case.raised, 7 * n)):
            appeal = services.appeal_raise(
                actor=user,
                town=town,
                stage=case.stage,
                kind=monthly.KEY,
                subject_id=result.pk,
                reason=case.reason,
                token=token,
            )
        if case.answered is None:
            continue
        data = {}
        if case.change:
            cell = _corrected_cell(result)
            if cell is None:
                raise ValueError("the demo cadre's month has no manual score to correct")
            data = {"indicator": str(cell[0]), "value": str(cell[1])}
        with time_machine.travel(_at(case.answered, 30)):
            services.appeal_answer(
                actor=office,
                appeal=appeal,
                change=case.change,
                answer=case.answer,
                based_on=appeal.version,
                data=data,
                confirmed=True,
            )
        if case.change:
            pending = Correction.objects.get(period=result.period, status=CorrectionStatus.PENDING)
            with time_machine.travel(_at((case.answered[0], 16))):
                corrections.correction_publish(
                    actor=leader,
                    correction=pending,
                    reason=CORRECTION_REASON,
                    based_on=pending.version,
                    confirmed=True,
                )
    counts = {f"appeals_{status}": 0 for status in AppealStatus.values}
    for status in Appeal.objects.filter(town=town).values_list("status", flat=True):
        counts[f"appeals_{status}"] += 1
    return counts

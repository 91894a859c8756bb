"""Monthly scoring for the demo town, month by month: published months with approved score sheets,
bonuses and deductions (some shared between two cadres, 一岗双责), and stored results.

Deterministic (seeded) and written in bulk; only one summary audit entry is written by the caller.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kaoping.accounts.models import RoleAssignment, User
from kaoping.core import events
from kaoping.indicators.models import AdjustmentKind, AdjustmentReason, Indicator, RuleKind, Scheme
from kaoping.people.models import Cadre, Town
from kaoping.people.selectors import roster

from .bulk import Cell, entries_insert
from .models import (
    Adjustment,
    AdjustmentShare,
    AdjustmentStatus,
    Period,
    PeriodStatus,
    ScoreSheet,
    SheetStatus,
)

TWO = Decimal("0.01")
# How far a cadre's month strays from their ability (0.76-0.99). At 0.05 the same cadres stay at the
# bottom month after month and the demo's meetings hear 8-9 statements a year; at 0.12, 2-5, near the
# article's 3 (kaoping/quarterly/tests/test_demo.py holds it to at most 6).
FORM_SPREAD = 0.12


def _value(rng: random.Random, indicator: Indicator, ability: float) -> Decimal | None:
    """A plausible raw value for one cell; `ability` (0.6-1.0) makes some cadres steadily better."""
    kind = indicator.rule_kind
    if kind == RuleKind.MANUAL:
        share = min(1.0, max(0.3, rng.gauss(ability, 0.08)))
        return (indicator.max_score * Decimal(str(share))).quantize(Decimal("0.5"))
    if kind == RuleKind.COMPLETION:
        ratio = max(0.4, rng.gauss(ability + 0.05, 0.12))
        return (indicator.target * Decimal(str(ratio))).quantize(TWO)
    if kind == RuleKind.PASS_FAIL:
        return Decimal(1) if rng.random() < 0.9 + ability / 20 else Decimal(0)
    if kind == RuleKind.VETO:
        return Decimal(0) if rng.random() < 0.002 else Decimal(1)
    if kind == RuleKind.PER_OCCURRENCE:
        return Decimal(rng.choices((0, 1, 2), weights=(85 * ability, 12, 3))[0])
    if kind == RuleKind.RANK:
        if indicator.proportional:
            return Decimal(str(round(rng.uniform(50, 100) * ability, 2)))
        # The city ranks its towns (Rushan has 15): a stronger cadre's area ranks higher.
        return Decimal(max(1, min(15, int(rng.gauss((1 - ability) * 20, 2)) + 1)))
    return None


def _limit(indicator: Indicator) -> Decimal | None:
    """The maximum a cell's raw value may take, for the rules whose raw value is a score."""
    if indicator.rule_kind == RuleKind.MANUAL:
        return indicator.max_score
    if indicator.rule_kind in (RuleKind.PASS_FAIL, RuleKind.VETO):
        return Decimal(1)
    return None


def load_demo_history(
    *,
    town: Town,
    months: list[date],
    actor: User | None,
    open_last: bool = True,
    meanwhile: Callable[[date], object] | None = None,
) -> int:
    """Score `months` of the town (all but the last published; the last left open in draft).

    `meanwhile(day)`, called before each month is scored with the day its scoring starts (the first
    of the next month), lets the caller play what the town did since the month before was published
    (an evaluation round closed, an objection answered): the month is then computed with it, and the
    months published before it get their corrections.

    Returns the number of score entries written. The schemes of each month's year must exist.
    """
    rng = random.Random(f"kaoping-demo-scores-{town.slug}")
    cadres = list(Cadre.objects.filter(town=town).order_by("pk"))
    ability = {c.pk: rng.uniform(0.76, 0.99) for c in cadres}
    scorer = actor or User.objects.filter(roles__town=town, roles__role="scorer").first()
    approver = User.objects.filter(roles__town=town, roles__role="group_leader").first() or scorer
    # Each population's sheet is filled in and submitted by its own scorer and approved by the leader
    # of its assessment group: different people, as the duties-apart rule wants.
    scorers = _by_population(town, "scorer")
    approvers = _by_population(town, "group_leader")
    office = User.objects.filter(roles__town=town, roles__role="assessment_office").first() or scorer
    leader = User.objects.filter(roles__town=town, roles__role="main_leader").first() or approver
    written = 0
    for index, month in enumerate(months):
        last = index == len(months) - 1
        status = PeriodStatus.OPEN if (last and open_last) else PeriodStatus.PUBLISHED
        # A month is scored in its first days after it ends: submitted by the 3rd, approved by the
        # 5th, published on the 8th of the next month.
        next_month = (month + timedelta(days=32)).replace(day=1)
        if meanwhile is not None:
            meanwhile(next_month)
        submitted_at, approved_at, published_at = (
            _at(next_month.replace(day=day), hour) for day, hour in ((3, 16), (5, 10), (8, 9))
        )
        period = Period.objects.create(
            town=town,
            month=month,
            status=status,
            published_at=published_at if status == PeriodStatus.PUBLISHED else None,
        )
        # Each month scores the people in post on its first day, in the population they were in.
        members = roster(town, month)
        by_population: dict[str, list[Cadre]] = {}
        for cadre in cadres:
            if cadre.pk in members:
                by_population.setdefault(members[cadre.pk].population, []).append(cadre)
        schemes = list(Scheme.objects.filter(town=town, year=month.year).prefetch_related("indicators"))
        # A month's form varies around a cadre's ability: the same few are not last month after month,
        # and a lagging list names a handful a year, as the article's town saw.
        form = {pk: min(0.99, max(0.6, rng.gauss(a, FORM_SPREAD))) for pk, a in ability.items()}
        cells: list[Cell] = []
        for scheme in schemes:
            sheet_status = SheetStatus.DRAFT if status == PeriodStatus.OPEN else SheetStatus.APPROVED
            done = sheet_status == SheetStatus.APPROVED
            sheet_scorer = scorers.get(scheme.population, scorer)
            sheet = ScoreSheet.objects.create(
                period=period,
                scheme=scheme,
                status=sheet_status,
                revision=1,  # its entries are version 1
                submitted_by=sheet_scorer if done else None,
                submitted_at=submitted_at if done else None,
                approved_by=approvers.get(scheme.population, approver) if done else None,
                approved_at=approved_at if done else None,
            )
            members = by_population.get(scheme.population, [])
            # The open month is half filled in, as it would be mid-month.
            scored = members[: len(members) // 2] if status == PeriodStatus.OPEN else members
            indicators = [(i, _limit(i)) for i in scheme.indicators.all()]
            for cadre in scored:
                for indicator, limit in indicators:
                    value = _value(rng, indicator, form[cadre.pk])
                    if value is None:
                        continue
                    note = "" if rng.random() < 0.9 else "见工作台账"
                    cells.append(Cell(sheet.pk, cadre.pk, indicator.pk, value, limit, note, sheet_scorer.pk))
        # Cells written in bulk (the demo's two years are some 170,000), last changed as submitted.
        changed_at = submitted_at if status == PeriodStatus.PUBLISHED else timezone.now()
        written += entries_insert(cells, at=changed_at)
        _adjustments(
            rng, period, schemes, by_population, office, leader, approved=status != PeriodStatus.OPEN
        )
        events.inputs_changed(sender=Period, town=town, months=[period.month])
    return written


def _by_population(town: Town, role: str) -> dict[str, User]:
    """The first user holding `role` for each population in the town."""
    found: dict[str, User] = {}
    for assignment in (
        RoleAssignment.objects.filter(town=town, role=role).select_related("user").order_by("pk")
    ):
        found.setdefault(assignment.population, assignment.user)
    return found


def _at(day: date, hour: int) -> datetime:
    """`day` at `hour` o'clock, in the town's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


BONUS_TITLES = [
    "推进改革创新经验被市级推广",
    "获评市级先进个人",
    "引进签约项目一个",
    "工作经验被省级媒体报道",
]
DEDUCTION_TITLES = [
    "辖区发生一般安全生产事故",
    "信访事项办理超期",
    "环保督察发现问题整改不到位",
    "意识形态阵地管理不规范",
]


def _adjustments(rng, period, schemes, by_population, office, leader, *, approved: bool) -> None:
    reasons = list(AdjustmentReason.objects.filter(scheme__in=schemes).select_related("scheme"))
    if not reasons or office is None:
        return
    for _n in range(rng.randint(2, 4)):
        reason = rng.choice(reasons)
        members = by_population.get(reason.scheme.population, [])
        if not members:
            continue
        bonus = reason.kind == AdjustmentKind.BONUS
        title = rng.choice(BONUS_TITLES if bonus else DEDUCTION_TITLES)
        adjustment = Adjustment.objects.create(
            period=period,
            reason=reason,
            kind=reason.kind,
            title=title,
            evidence="见相关文件及台账",
            status=AdjustmentStatus.APPROVED if approved else AdjustmentStatus.DRAFT,
            created_by=office,
            decided_by=leader if approved else None,
        )
        # Registered during its month and decided a few days after it ends (created_at is set on
        # creation: dated here as it would have been).
        registered = _at(period.month + timedelta(days=rng.randint(2, 26)), rng.randint(9, 17))
        decided = _at(
            (period.month + timedelta(days=32)).replace(day=1) + timedelta(days=rng.randint(1, 4)), 11
        )
        Adjustment.objects.filter(pk=adjustment.pk).update(
            created_at=registered, decided_at=decided if approved else None
        )
        owners = rng.sample(members, k=1 if bonus or len(members) < 2 else 2)
        # 一岗双责: the one directly responsible loses more than the leader in charge.
        points = [Decimal("1"), Decimal("0.5")] if not bonus else [Decimal(rng.choice(["0.5", "1", "2"]))]
        points = points[: len(owners)]
        AdjustmentShare.objects.bulk_create(
            AdjustmentShare(adjustment=adjustment, cadre=cadre, points=p)
            for cadre, p in zip(owners, points, strict=True)
        )

"""The demo town's pay of 2025 (结果运用), tied to its annual grades: both plans set, computed and
submitted by the assessment office (kaohe) and approved, frozen, by the main leader (shuji), each step
dated as it would have been (time-machine), after the year's grades stand.

- the bonus of non-established staff (不在编人员奖金): 198,600.00 yuan shared in proportion to each
  one's annual score above 60 (the pass mark), scaled by the share of the year assessed (the window
  clerk hired in March has no grade in their probation year and gets nothing, with the reason);
- the incentive share of the public-institution staff's performance pay (事业单位奖励性绩效工资):
  236,400.00 yuan by grade tiers, 优秀 1.3, 合格 1.0, 基本合格 0.6, 不合格 0.

2026 has no plan: its grades come after the year. Call `load_demo_pay` after the annual demo (and the
publication of its grades, when there is one): it pays the grades in force.
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from kaoping.accounts.models import Role, User
from kaoping.people.models import Town

from . import services
from .models import DEFAULT_FLOOR, Method, PayPlan, PlanKind, PlanStatus, coefficient_values

YEAR = 2025
# (kind, pool, method, coefficients of 优秀 … 不合格)
PLANS = (
    (
        PlanKind.NON_ESTABLISHED_BONUS,
        Decimal("198600.00"),
        Method.ABOVE_FLOOR,
        (Decimal("1.2"), Decimal("1.0"), Decimal("0.6"), Decimal(0)),
    ),
    (
        PlanKind.INSTITUTION_INCENTIVE,
        Decimal("236400.00"),
        Method.TIERS,
        (Decimal("1.3"), Decimal("1.0"), Decimal("0.6"), Decimal(0)),
    ),
)
SET_ON = (date(2026, 1, 26), 10)
SUBMITTED_ON = (date(2026, 1, 26), 16)
APPROVED_ON = (date(2026, 1, 28), 11)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _user(town: Town, role: Role) -> User:
    user = User.objects.filter(roles__town=town, roles__role=role).order_by("pk").first()
    if user is None:
        raise ValueError(f"the demo town has no {role} user")
    return user


def load_demo_pay(town: Town) -> dict[str, int]:
    """Both 2025 plans of `town`: saved, computed and submitted by the office, approved by the main
    leader. Return the counts."""
    import time_machine  # the demo replays the past; time-machine dates each step

    office, leader = _user(town, Role.ASSESSMENT_OFFICE), _user(town, Role.MAIN_LEADER)
    plans = []
    for kind, pool, method, coefficients in PLANS:
        values = {
            "pool": pool,
            "method": method,
            **coefficient_values(coefficients),
            "floor": DEFAULT_FLOOR,
            "by_year_share": True,
        }
        with time_machine.travel(_at(*SET_ON)):
            plan = services.plan_save(
                actor=office, town=town, year=YEAR, kind=kind, values=values, based_on=None
            )
            plan = services.plan_compute(actor=office, plan=plan, based_on=plan.version)
        with time_machine.travel(_at(*SUBMITTED_ON)):
            plan = services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
        plans.append(plan)
    with time_machine.travel(_at(*APPROVED_ON)):
        for plan in plans:
            services.plan_move(
                actor=leader, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True
            )
    return {
        "pay_plans": PayPlan.objects.filter(town=town, year=YEAR, status=PlanStatus.APPROVED).count(),
        "pay_lines": sum(p.lines.filter(amount__isnull=False).count() for p in plans),
    }

"""Every write of pay: keyword-only, in a transaction, audited, refused with a `DomainError` a person
can read. An approved plan is frozen: nothing here changes it any more."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, require, require_duties_apart
from kaoping.audit.services import record, snapshot
from kaoping.audit.versions import claim
from kaoping.core.errors import DomainError
from kaoping.engine import pay
from kaoping.people.models import Town

from . import inputs, notices, selectors
from .models import (
    COEFFICIENT_FIELDS,
    COEFFICIENT_VALIDATORS,
    Method,
    PayLine,
    PayPlan,
    PlanKind,
    PlanStatus,
    Unpaid,
    coefficients_of,
)

SETTINGS_FIELDS = ("pool", "method", *COEFFICIENT_FIELDS, "floor", "by_year_share")
IN_POST_PLACES = Decimal("0.000001")
MAX_POOL = Decimal("9999999999.99")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)


def _require_editable(plan: PayPlan) -> None:
    _require(
        plan.status != PlanStatus.APPROVED,
        _("This plan is approved: its amounts are frozen and nothing in it can change."),
    )
    _require(
        plan.status == PlanStatus.DRAFT,
        _("This plan is submitted for approval: it can change only once it is returned."),
    )


def _check_values(values: dict) -> None:
    pool = values["pool"]
    _require(
        isinstance(pool, Decimal)
        and Decimal(0) <= pool <= MAX_POOL
        and pool == pool.quantize(Decimal("0.01")),
        _("The pool is an amount in yuan of at least 0, in whole cents (two decimals at most)."),
    )
    _require(values["method"] in Method.values, _("Choose a method."))
    maximum = COEFFICIENT_VALIDATORS[1].limit_value
    coefficients = coefficients_of(values)
    for coefficient in coefficients:
        _require(
            isinstance(coefficient, Decimal) and Decimal(0) <= coefficient <= maximum,
            _("A coefficient is a number from 0 to %(max)s.") % {"max": maximum},
        )
    if values["method"] == Method.TIERS:
        _require(
            any(coefficient > 0 for coefficient in coefficients),
            _("At least one grade needs a coefficient above 0, or nobody can be paid."),
        )
    floor = values["floor"]
    _require(
        isinstance(floor, Decimal) and Decimal(0) <= floor <= Decimal(100),
        _("The floor is an annual score from 0 to 100."),
    )


@transaction.atomic
def plan_save(
    *, actor: User, town: Town, year: int, kind: str, values: dict, based_on: int | None
) -> PayPlan:
    """Save a plan's pool, method and scaling (a draft only). Computed lines stay until computed again,
    shown as stale: the page says the settings changed since."""
    require(actor, Action.MANAGE_PAY, town)
    _require(kind in PlanKind.values, _("Unknown pay plan."))
    _check_values(values)
    plan = PayPlan.objects.select_for_update().filter(town=town, year=year, kind=kind).first()
    old = None
    if plan is None:
        plan = PayPlan(town=town, year=year, kind=kind)
    else:
        _require_editable(plan)
        old = snapshot(plan, SETTINGS_FIELDS)
        claim(plan, based_on)
    for name in SETTINGS_FIELDS:
        setattr(plan, name, values[name])
    plan.save()
    record(
        actor=actor,
        action="pay_plan.update" if old else "pay_plan.create",
        target=plan,
        town=town,
        old=old,
        new=snapshot(plan, SETTINGS_FIELDS),
    )
    return plan


def _engine_method(plan: PayPlan) -> pay.Method:
    if plan.method == Method.TIERS:
        return pay.Tiers({str(level): c for level, c in enumerate(plan.coefficients)})
    return pay.AboveFloor(plan.floor)


def _in_post(plan: PayPlan, member: inputs.Member, year_months: int) -> Decimal:
    if not plan.by_year_share:
        return Decimal(1)
    share = Decimal(member.months) / Decimal(year_months)
    return min(share, Decimal(1)).quantize(IN_POST_PLACES, rounding=ROUND_HALF_UP)


def _amounts(plan: PayPlan) -> dict[str, str]:
    return {
        str(cadre_id): str(amount)
        for cadre_id, amount in plan.lines.filter(amount__isnull=False).values_list("cadre_id", "amount")
    }


@transaction.atomic
def plan_compute(*, actor: User, plan: PayPlan, based_on: int | None) -> PayPlan:
    """Compute the plan's amounts from the annual results as they stand (`engine.pay.distribute`): a
    line per member with score, grade, weight, exact share, amount and whether an extra cent; members
    without an annual score or grade get a line without an amount and the reason. The amounts add up
    to the pool exactly. Audited with every member's old and new amount."""
    require(actor, Action.MANAGE_PAY, plan.town)
    _require(plan.pk is not None, _("Save the plan's pool and method first."))
    _require_editable(plan)
    _require(plan.pool > 0, _("Enter the pool before computing: it is 0."))
    members = inputs.members(plan.town, plan.year, plan.kind)
    year_months = inputs.year_months(plan.town, plan.year)
    _require(
        year_months > 0,
        _("No month of %(year)d is published: there is no annual result to pay by.") % {"year": plan.year},
    )
    paid = [m for m in members if not m.unpaid]
    _require(
        bool(paid) or not any(m.unpaid == Unpaid.NOT_CONFIRMED for m in members),
        _(
            "The annual grades of %(year)d are not confirmed yet: the plan is computed from confirmed "
            "grades only, once the assessment office confirms them after their publication."
        )
        % {"year": plan.year},
    )
    _require(
        bool(paid),
        _("Nobody in this plan has an annual score and grade yet: compute the annual pools first."),
    )
    people = [pay.Person(m.cadre.pk, m.score, str(m.level), _in_post(plan, m, year_months)) for m in paid]
    try:
        allocations = {a.key: a for a in pay.distribute(plan.pool, people, _engine_method(plan))}
    except pay.PayError:
        raise DomainError(
            _(
                "Nobody has any weight under this method (every grade's coefficient is 0, or every "
                "score is at or below the floor): the pool cannot be shared. Change the method first."
            )
        ) from None
    claim(plan, based_on)
    old_amounts = _amounts(plan)
    plan.lines.all().delete()
    lines = []
    for m in members:
        line = PayLine(
            plan=plan,
            cadre=m.cadre,
            score=m.score,
            level=m.level,
            scale=m.scale,
            months=m.months,
            unpaid=m.unpaid,
            unpaid_detail=m.case_detail[:200],
        )
        allocation = allocations.get(m.cadre.pk)
        if allocation is not None:
            line.in_post = _in_post(plan, m, year_months)
            line.weight = allocation.weight
            line.exact = f"{allocation.exact.numerator}/{allocation.exact.denominator}"
            line.amount = allocation.amount
            line.extra_cent = allocation.extra_cent
        lines.append(line)
    PayLine.objects.bulk_create(lines)
    total = sum((a.amount for a in allocations.values()), Decimal(0))
    assert total == plan.pool, "engine.pay.distribute always adds up to the pool"
    plan.signature = selectors.signature(plan, members, year_months)
    plan.year_months = year_months
    plan.computed_by = actor
    plan.computed_at = timezone.now()
    plan.save()
    record(
        actor=actor,
        action="pay_plan.compute",
        target=plan,
        town=plan.town,
        old={"amounts": old_amounts} if old_amounts else None,
        new={
            "pool": str(plan.pool),
            "method": plan.method,
            "paid": len(allocations),
            "unpaid": len(members) - len(allocations),
            "amounts": {str(k): str(a.amount) for k, a in allocations.items()},
        },
    )
    return plan


# The workflow: (from, to) → (the action needed, the audit action).
MOVES = {
    (PlanStatus.DRAFT, PlanStatus.SUBMITTED): (Action.MANAGE_PAY, "pay_plan.submit"),
    (PlanStatus.SUBMITTED, PlanStatus.APPROVED): (Action.APPROVE_PAY, "pay_plan.approve"),
    (PlanStatus.SUBMITTED, PlanStatus.DRAFT): (Action.APPROVE_PAY, "pay_plan.return"),
}


@transaction.atomic
def plan_move(
    *,
    actor: User,
    plan: PayPlan,
    to: str,
    based_on: int | None,
    confirmed: bool = False,
    reason: str = "",
) -> PayPlan:
    """Move a plan through its workflow: the office submits a computed, current plan; the main leader
    approves it (confirmed: approval freezes the amounts and cannot be undone; never whoever
    submitted) or returns it with a reason. An approved plan moves no more."""
    _require(plan.pk is not None, _("Save and compute the plan first."))
    _require(
        plan.status != PlanStatus.APPROVED,
        _("This plan is approved: its amounts are frozen and nothing in it can change."),
    )
    move = MOVES.get((PlanStatus(plan.status), PlanStatus(to) if to in PlanStatus.values else None))
    _require(move is not None, _("This step is not possible from the plan's present state."))
    needed, action = move
    require(actor, needed, plan.town)
    if to in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
        _require(plan.computed, _("Compute the plan's amounts first."))
        _require(
            not selectors.is_stale(plan),
            _(
                "The annual scores or grades, the published months or the plan's settings changed "
                "after the amounts were computed: compute them again first."
            ),
        )
        total = sum((ln.amount for ln in plan.lines.filter(amount__isnull=False)), Decimal(0))
        _require(total == plan.pool, _("The amounts do not add up to the pool: compute them again."))
    if to == PlanStatus.APPROVED:
        require_duties_apart(actor, plan.submitted_by_id, first_step=_("submitted this plan"))
        _require(
            confirmed,
            _("Confirm the approval: it freezes every amount of the plan and cannot be undone."),
        )
    if to == PlanStatus.DRAFT:
        _require(bool(reason.strip()), _("Say why the plan is returned: the office reads it."))
    claim(plan, based_on)
    old = {"status": plan.status}
    plan.status = to
    now = timezone.now()
    if to == PlanStatus.SUBMITTED:
        plan.submitted_by, plan.submitted_at, plan.returned_reason = actor, now, ""
    elif to == PlanStatus.APPROVED:
        plan.approved_by, plan.approved_at = actor, now
    else:
        plan.returned_reason = reason.strip()
        plan.submitted_by, plan.submitted_at = None, None
    plan.save()
    new: dict = {"status": to}
    if to == PlanStatus.APPROVED:
        new["amounts"] = _amounts(plan)
    if to == PlanStatus.DRAFT:
        new["reason"] = plan.returned_reason
    record(actor=actor, action=action, target=plan, town=plan.town, old=old, new=new)
    if to == PlanStatus.SUBMITTED:
        notices.submitted(plan, actor)
    elif to == PlanStatus.APPROVED:
        paid = list(plan.lines.filter(amount__isnull=False).values_list("cadre_id", flat=True))
        notices.approved(plan, actor, paid)
    else:
        notices.returned(plan, actor)
    return plan


@transaction.atomic
def plan_withdraw(*, actor: User, plan: PayPlan, based_on: int | None, confirmed: bool = False) -> PayPlan:
    """The office takes back a plan it submitted, before the main leader decides (to correct a
    mistake): it is a draft again, to change, compute and submit again; the leader's request to
    approve is done. Confirmed: the leader can no longer approve it until it is submitted again."""
    _require(plan.pk is not None, _("Save and compute the plan first."))
    require(actor, Action.MANAGE_PAY, plan.town)
    plan = PayPlan.objects.select_for_update().get(pk=plan.pk)
    _require(
        plan.status != PlanStatus.APPROVED,
        _("This plan is approved already: it is frozen and can no longer be withdrawn."),
    )
    _require(
        plan.status == PlanStatus.SUBMITTED,
        _("This plan is not waiting for approval: there is nothing to withdraw."),
    )
    _require(
        confirmed,
        _(
            "Confirm the withdrawal: the plan goes back to a draft and the main leader can no longer "
            "approve it until it is submitted again."
        ),
    )
    claim(plan, based_on)
    old = {"status": plan.status, "submitted_by": plan.submitted_by_id}
    plan.status = PlanStatus.DRAFT
    plan.submitted_by, plan.submitted_at = None, None
    plan.save()
    record(
        actor=actor,
        action="pay_plan.withdraw",
        target=plan,
        town=plan.town,
        old=old,
        new={"status": plan.status},
    )
    notices.withdrawn(plan)
    return plan

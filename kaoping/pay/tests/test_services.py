"""Pay's services: the amounts add up to the pool on real annual results, members without a grade get
nothing and say why, a stale plan is refused, duties stay apart, an approved plan is frozen, and bad
input is refused with a message and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kaoping.annual import services as annual
from kaoping.annual.models import AnnualResult, UndeterminedReason
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.pay import selectors, services
from kaoping.pay.models import PayLine, PayPlan, PlanKind, PlanStatus, Unpaid
from kaoping.testing import MAR, publish_month

from .conftest import BONUS_POOL, confirm_year, reopen_year, values

pytestmark = pytest.mark.django_db
BONUS = PlanKind.NON_ESTABLISHED_BONUS


def _plan(town, office, kind=BONUS, **changes) -> PayPlan:
    return services.plan_save(
        actor=office, town=town, year=2026, kind=kind, values=values(**changes), based_on=None
    )


def _compute(plan, office) -> PayPlan:
    plan.refresh_from_db()
    return services.plan_compute(actor=office, plan=plan, based_on=plan.version)


def _amounts(plan) -> dict[str, Decimal | None]:
    return dict(PayLine.objects.filter(plan=plan).values_list("cadre__name", "amount"))


def test_grade_tiers_share_the_pool_to_the_cent_with_the_share_of_the_year(graded, town, office):
    plan = _compute(_plan(town, office), office)
    # Weights: 甲 优秀 1.2; 乙 丙 合格 1.0; 丁 基本合格 0.6; 戊 合格 1.0 × 1/2 of the year = 0.5; Σ 4.3.
    assert _amounts(plan) == {
        "甲": Decimal("2790.70"),  # 10000 × 1.2 / 4.3 = 2790.697…
        "乙": Decimal("2325.58"),  # 2325.581…
        "丙": Decimal("2325.58"),
        "丁": Decimal("1395.35"),  # 1395.348…
        "戊": Decimal("1162.79"),  # 1162.790…
    }
    assert sum(_amounts(plan).values()) == plan.pool
    line = PayLine.objects.get(plan=plan, cadre__name="戊")
    assert (line.months, line.in_post, line.weight) == (1, Decimal("0.5"), Decimal("0.5"))
    assert line.exact == "50000/43"
    assert AuditEntry.objects.filter(action="pay_plan.compute").count() == 1


def test_the_amounts_add_up_to_the_pool_for_awkward_pools_and_either_method(graded, town, office):
    for pool in ("0.01", "0.07", "99999.99", "12345.67", "1000000.00"):
        for method in ("tiers", "above_floor"):
            plan = PayPlan.objects.filter(town=town, year=2026, kind=BONUS).first()
            if plan is None:
                plan = _plan(town, office, pool=Decimal(pool), method=method)
            else:
                plan = services.plan_save(
                    actor=office, town=town, year=2026, kind=BONUS,
                    values=values(pool=Decimal(pool), method=method), based_on=plan.version,
                )  # fmt: skip
            plan = _compute(plan, office)
            amounts = [a for a in _amounts(plan).values() if a is not None]
            assert sum(amounts) == Decimal(pool), (pool, method)
            assert selectors.plan_page(plan).balanced


def test_above_a_floor_pays_by_how_far_the_score_lies_above_it(graded, town, office):
    plan = _compute(_plan(town, office, method="above_floor", floor=Decimal(70), by_year_share=False), office)
    # 甲 25, 乙 15, 丙 5, 丁 0 (65 is below 70), 戊 20: Σ 65.
    amounts = _amounts(plan)
    assert amounts["丁"] == Decimal("0.00")
    # In cents 甲 384615.38…, 乙 230769.23…, 丙 76923.07…, 戊 307692.30…: the one cent left goes to 甲.
    assert amounts["甲"] == Decimal("3846.16") and amounts["乙"] == Decimal("2307.69")
    assert sum(amounts.values()) == Decimal("10000.00")


def test_a_member_without_a_grade_is_listed_apart_with_the_reason_and_gets_nothing(
    graded, town, office, staff
):
    reopen_year(town)
    annual.case_save(
        actor=office, town=town, year=2026, cadre=staff[1], kind="undetermined",
        reason=UndeterminedReason.INVESTIGATION, detail="立案审查",
    )  # fmt: skip
    confirm_year(town, office)
    from kaoping import testing
    from kaoping.people.models import AgencyCategory

    newcomer = testing.make_cadre(town, "新人", 399, agency_category=AgencyCategory.NON_ESTABLISHED)
    plan = _compute(_plan(town, office), office)
    page = selectors.plan_page(plan)
    unpaid = {ln.cadre.name: (ln.unpaid, ln.unpaid_detail) for ln in page.unpaid}
    assert unpaid == {
        "乙": (Unpaid.NO_GRADE, "Open investigation (立案审查调查) 立案审查"),
        newcomer.name: (Unpaid.NO_RESULT, ""),
    }
    assert "乙" not in {ln.cadre.name for ln in page.paid}
    assert page.total == plan.pool


def test_nobody_is_paid_before_the_year_s_grades_are_confirmed(graded, town, office):
    from kaoping.annual.models import AnnualPublication
    from kaoping.pay import inputs

    AnnualPublication.objects.filter(town=town, year=2026).update(confirmed_at=None, confirmed_by=None)
    members = inputs.members(town, 2026, BONUS)
    assert {m.unpaid for m in members if m.has_result} == {Unpaid.NOT_CONFIRMED}
    plan = _plan(town, office)
    with pytest.raises(DomainError, match="not confirmed yet"):
        _compute(plan, office)
    reopen_year(town)
    assert {m.unpaid for m in inputs.members(town, 2026, BONUS) if m.has_result} == {Unpaid.NOT_CONFIRMED}
    confirm_year(town, office)
    assert _compute(plan, office).lines.exists()


def test_the_institution_plan_pays_public_institution_staff_from_their_own_pool(graded, town, office):
    plan = _compute(_plan(town, office, kind=PlanKind.INSTITUTION_INCENTIVE, pool=Decimal("3000.00")), office)
    assert _amounts(plan) == {"子": Decimal("1000.00"), "丑": Decimal("1000.00"), "寅": Decimal("1000.00")}


def test_a_change_of_the_annual_grades_after_computing_makes_the_plan_stale_and_unsubmittable(
    graded, town, office, staff
):
    plan = _compute(_plan(town, office), office)
    assert not selectors.is_stale(plan)
    publish_month(town, MAR, {c: "50" for c in staff})
    reopen_year(town)
    annual.pool_compute(actor=office, town=town, year=2026, pool=BONUS_POOL)
    confirm_year(town, office)
    assert selectors.is_stale(plan)
    with pytest.raises(DomainError, match="compute them again"):
        services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_grade_changed_by_hand_makes_a_submitted_plan_unapprovable(graded, town, office, leader):
    plan = _compute(_plan(town, office), office)
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    AnnualResult.objects.filter(cadre__name="乙").update(level=2)
    with pytest.raises(DomainError, match="compute them again"):
        services.plan_move(
            actor=leader, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_whoever_submitted_never_approves(graded, town, office, personas):
    from kaoping.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=office, role=Role.MAIN_LEADER, town=town)
    office._kaoping_grants = None
    plan = _compute(_plan(town, office), office)
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    with pytest.raises(DomainError, match="someone else must take the next step"):
        services.plan_move(
            actor=office, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_office_cannot_approve_and_the_leader_must_confirm(graded, town, office, leader):
    plan = _compute(_plan(town, office), office)
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    with pytest.raises(PermissionDenied):
        services.plan_move(
            actor=office, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True
        )
    with pytest.raises(DomainError, match="cannot be undone"):
        services.plan_move(actor=leader, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_an_approved_plan_is_frozen(graded, town, office, leader):
    plan = _compute(_plan(town, office), office)
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    services.plan_move(actor=leader, plan=plan, to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True)
    before = _amounts(plan)
    with pytest.raises(DomainError, match="frozen"):
        services.plan_compute(actor=office, plan=plan, based_on=plan.version)
    with pytest.raises(DomainError, match="frozen"):
        services.plan_save(
            actor=office,
            town=town,
            year=2026,
            kind=BONUS,
            values=values(pool=Decimal(1)),
            based_on=plan.version,
        )
    with pytest.raises(DomainError, match="frozen"):
        services.plan_move(actor=leader, plan=plan, to=PlanStatus.DRAFT, based_on=plan.version, reason="再议")
    plan.refresh_from_db()
    assert (plan.status, plan.pool, _amounts(plan)) == (PlanStatus.APPROVED, Decimal("10000.00"), before)
    entry = AuditEntry.objects.get(action="pay_plan.approve")
    assert entry.old == {"status": "submitted"} and entry.new["amounts"][str(graded[0].pk)] == "2790.70"


def test_a_returned_plan_needs_a_reason_and_can_be_changed_again(graded, town, office, leader):
    plan = _compute(_plan(town, office), office)
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    with pytest.raises(DomainError, match="Say why"):
        services.plan_move(actor=leader, plan=plan, to=PlanStatus.DRAFT, based_on=plan.version, reason=" ")
    with pytest.raises(DomainError, match="returned"):
        services.plan_compute(actor=office, plan=plan, based_on=plan.version)
    services.plan_move(
        actor=leader, plan=plan, to=PlanStatus.DRAFT, based_on=plan.version, reason="奖金池有误"
    )
    assert plan.returned_reason == "奖金池有误" and plan.submitted_by is None
    services.plan_save(actor=office, town=town, year=2026, kind=BONUS, values=values(), based_on=plan.version)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pool": Decimal("-1")}, "at least 0"),
        ({"pool": Decimal("1.005")}, "whole cents"),
        ({"pool": Decimal("1e12")}, "at least 0"),
        ({"coefficient0": Decimal("-0.1")}, "from 0 to"),
        ({"coefficient0": 0, "coefficient1": 0, "coefficient2": 0, "coefficient3": 0}, "above 0"),
        ({"floor": Decimal("101")}, "from 0 to 100"),
        ({"method": "lottery"}, "Choose a method"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_change_nothing(graded, town, office, changes, message):
    plan = _compute(_plan(town, office), office)
    before = (plan.version, _amounts(plan), AuditEntry.objects.count())
    changes = {k: Decimal(v) if isinstance(v, int) else v for k, v in changes.items()}
    with pytest.raises(DomainError, match=message):
        services.plan_save(
            actor=office, town=town, year=2026, kind=BONUS, values=values(**changes), based_on=plan.version
        )
    plan.refresh_from_db()
    assert (plan.version, _amounts(plan), AuditEntry.objects.count()) == before
    assert plan.pool == Decimal("10000.00")


def test_a_save_based_on_an_older_version_is_refused(graded, town, office):
    plan = _plan(town, office)
    services.plan_save(
        actor=office, town=town, year=2026, kind=BONUS, values=values(pool=Decimal(5)), based_on=plan.version
    )
    with pytest.raises(Conflict):
        services.plan_save(
            actor=office,
            town=town,
            year=2026,
            kind=BONUS,
            values=values(pool=Decimal(7)),
            based_on=plan.version,
        )
    plan.refresh_from_db()
    assert plan.pool == Decimal(5)


def test_a_plan_nobody_can_be_paid_from_is_refused(graded, town, office):
    plan = _plan(town, office, method="above_floor", floor=Decimal(99))
    with pytest.raises(DomainError, match="Nobody has any weight"):
        _compute(plan, office)
    assert not PayLine.objects.filter(plan=plan).exists()


def test_settings_are_audited_old_and_new(graded, town, office):
    plan = _plan(town, office)
    services.plan_save(
        actor=office,
        town=town,
        year=2026,
        kind=BONUS,
        values=values(pool=Decimal("8000.00")),
        based_on=plan.version,
    )
    entry = AuditEntry.objects.filter(action="pay_plan.update").get()
    assert entry.old["pool"] == "10000.00" and entry.new["pool"] == "8000.00"


def test_only_the_office_sets_and_computes(graded, town, leader, personas):
    for who in (leader, personas["cadre"], personas["party_building_office"]):
        with pytest.raises(PermissionDenied):
            _plan(town, who)

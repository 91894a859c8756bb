"""Who may do what with pay, as a matrix of roles × actions: the policy table, and every step posted
by every role (allowed: the step happens; not allowed: 403 or 404 from the page itself, before the
service is reached, and nothing changes)."""

import pytest
from django.urls import reverse

from kaoping.accounts.models import Role
from kaoping.accounts.permissions import POLICY, Action, own_pay_allowed
from kaoping.pay import services
from kaoping.pay.models import PayPlan, PlanKind, PlanStatus

from .conftest import values

R = Role
BONUS = PlanKind.NON_ESTABLISHED_BONUS


def test_the_policy_table_of_pay():
    assert POLICY[Action.VIEW_PAY] == {R.ASSESSMENT_OFFICE, R.MAIN_LEADER}
    assert POLICY[Action.MANAGE_PAY] == {R.ASSESSMENT_OFFICE}
    assert POLICY[Action.APPROVE_PAY] == {R.MAIN_LEADER}
    assert POLICY[Action.VIEW_OWN_PAY] == {R.CADRE}


def _url(name, town, **extra):
    return reverse(name, kwargs={"town": town.slug, "year": 2026, "kind": BONUS, **extra})


# (step, url name and extra kwargs, the state it starts from, the state when it happened, who may)
# Each step's page calls the service of the same name: plan_compute, plan_move or plan_withdraw.
STEPS = [
    ("compute", "pay:plan_compute", {}, PlanStatus.DRAFT, None, {R.ASSESSMENT_OFFICE}),
    (
        "submit",
        "pay:plan_move",
        {"to": "submitted"},
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        {R.ASSESSMENT_OFFICE},
    ),
    (
        "approve",
        "pay:plan_move",
        {"to": "approved"},
        PlanStatus.SUBMITTED,
        PlanStatus.APPROVED,
        {R.MAIN_LEADER},
    ),
    ("return", "pay:plan_move", {"to": "draft"}, PlanStatus.SUBMITTED, PlanStatus.DRAFT, {R.MAIN_LEADER}),
    # The office takes back what it submitted (MANAGE_PAY), before the leader decides.
    ("withdraw", "pay:plan_withdraw", {}, PlanStatus.SUBMITTED, PlanStatus.DRAFT, {R.ASSESSMENT_OFFICE}),
]


@pytest.fixture
def reached(monkeypatch):
    """The names of the pay services called since the list was last emptied (each still does its work)."""
    called = []
    for name in ("plan_compute", "plan_move", "plan_withdraw"):
        service = getattr(services, name)

        def spy(*args, _name=name, _service=service, **kwargs):
            called.append(_name)
            return _service(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)
    return called


def _cases():
    for step, name, extra, start, end, allowed in STEPS:
        for role in Role:
            yield pytest.param(
                step, name, extra, start, end, role, role in allowed, id=f"{step}-{role.value}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "name", "extra", "start", "end", "role", "allowed"), list(_cases()))
def test_each_role_takes_exactly_the_steps_it_is_allowed(
    graded, town, office, personas, client_for, reached, step, name, extra, start, end, role, allowed
):
    plan = services.plan_save(actor=office, town=town, year=2026, kind=BONUS, values=values(), based_on=None)
    plan = services.plan_compute(actor=office, plan=plan, based_on=plan.version)
    if start == PlanStatus.SUBMITTED:
        plan = services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    computed_at = plan.computed_at
    data = {"version": plan.version, "confirmed": "1", "reason": "再议"}
    reached.clear()
    response = client_for(personas[role.value]).post(_url(name, town, **extra), data)
    plan.refresh_from_db()
    service = name.replace("pay:", "")
    if allowed:
        assert response.status_code == 302
        assert reached == [service]
        if end is None:
            assert plan.computed_at > computed_at
        else:
            assert plan.status == end
    else:
        assert response.status_code in (403, 404)
        assert reached == []
        assert (plan.status, plan.computed_at) == (start, computed_at)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_the_office_saves_a_plan(graded, town, personas, client_for, role):
    form = {"pool": "500", "method": "tiers", "coefficient0": "1", "coefficient1": "1", "coefficient2": "1",
            "coefficient3": "1", "floor": "60"}  # fmt: skip
    response = client_for(personas[role.value]).post(_url("pay:plan", town), form)
    saved = PayPlan.objects.filter(town=town).exists()
    assert saved == (role == R.ASSESSMENT_OFFICE)
    assert response.status_code == (
        302 if role == R.ASSESSMENT_OFFICE else 404 if role == R.MAIN_LEADER else 403
    )


@pytest.mark.django_db
def test_a_cadre_reads_their_own_pay_only(personas, town, graded):
    cadre = personas["cadre"]
    assert own_pay_allowed(cadre, town, cadre.cadre_id)
    assert not own_pay_allowed(cadre, town, graded[0].pk)
    assert not own_pay_allowed(personas["assessment_office"], town, graded[0].pk)

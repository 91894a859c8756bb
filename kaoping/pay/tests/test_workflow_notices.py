"""The pay workflow in the inbox and on the home page: the main leader asked to approve a submitted
plan (and the request done once decided or withdrawn), the office told of a return with its reason and
of the approval, each paid cadre told that their own pay can be read (never an amount); and the
office's withdrawal of a submitted plan before the leader decides."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role, RoleAssignment
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.core.numbers import money
from kaoping.inbox.models import Message
from kaoping.pay import services
from kaoping.pay.models import PayPlan, PlanKind, PlanStatus
from kaoping.site.todo import todo

from .conftest import values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # the inbox writes in the site's language


BONUS = PlanKind.NON_ESTABLISHED_BONUS
WAITING = "Pay plan waiting for your approval"


def _url(name, town, **extra):
    return reverse(name, kwargs={"town": town.slug, "year": 2026, "kind": BONUS, **extra})


@pytest.fixture
def computed(graded, town, office):
    plan = services.plan_save(actor=office, town=town, year=2026, kind=BONUS, values=values(), based_on=None)
    return services.plan_compute(actor=office, plan=plan, based_on=plan.version)


@pytest.fixture
def submitted(computed, office):
    return services.plan_move(actor=office, plan=computed, to=PlanStatus.SUBMITTED, based_on=computed.version)


def _open(user, kind):
    return list(Message.objects.filter(recipient=user, kind=kind, done_at__isnull=True))


def _fresh(plan):
    return PayPlan.objects.get(pk=plan.pk)


def _approve(plan, leader):
    return services.plan_move(
        actor=leader, plan=_fresh(plan), to=PlanStatus.APPROVED, based_on=plan.version, confirmed=True
    )


def _return(plan, leader):
    return services.plan_move(
        actor=leader, plan=_fresh(plan), to=PlanStatus.DRAFT, based_on=plan.version, reason="池额有误"
    )


# Notifications


def test_a_submitted_plan_asks_the_main_leader_and_nobody_else_to_approve(
    submitted, leader, office, personas
):
    (message,) = _open(leader, "pay.approve")
    assert message.title.startswith(WAITING) and "2026" in message.title
    assert message.link == _url("pay:plan", submitted.town)
    assert Message.objects.filter(kind="pay.approve").count() == 1  # not the office, not the cadre


def test_the_leaders_request_is_done_once_approved_and_the_office_and_each_paid_cadre_are_told(
    submitted, leader, office, town, graded, personas
):
    jia = testing.make_user("jia", town=town, role=None, cadre=graded[0])
    yi = testing.make_user("yi", town=town, role=None, cadre=graded[1])
    plan = _approve(submitted, leader)
    assert _open(leader, "pay.approve") == []
    (told,) = _open(office, "pay.approved")
    assert told.link == _url("pay:plan", town)
    mine = reverse("pay:mine", args=[town.slug])
    paid = plan.lines.filter(amount__isnull=False).values_list("amount", flat=True)
    amounts = {str(a) for a in paid} | {money(a) for a in paid}  # as stored, and as pages write it
    for user in (jia, yi):
        (message,) = _open(user, "pay.available")
        assert message.title.startswith("Your 2026 pay is available")
        assert message.link == mine  # their own pay page: no cadre of anyone else in it
        assert not any(a in message.title or a in message.body for a in amounts)
    # Nobody without a paid line gets it: the cadre persona is in no plan.
    assert _open(personas["cadre"], "pay.available") == []
    assert Message.objects.filter(kind="pay.available").count() == 2


def test_a_returned_plan_tells_the_office_why_and_the_next_submission_asks_again(submitted, leader, office):
    plan = _return(submitted, leader)
    assert _open(leader, "pay.approve") == []
    (returned,) = _open(office, "pay.returned")
    assert "returned" in returned.title and "池额有误" in returned.body
    services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
    assert _open(office, "pay.returned") == []  # done: submitted again
    assert len(_open(leader, "pay.approve")) == 1  # asked again, a new message
    assert Message.objects.filter(recipient=leader, kind="pay.approve").count() == 2


def test_the_offices_messages_are_about_the_plans_decision_and_never_to_whoever_decided(
    submitted, leader, office, town
):
    RoleAssignment.objects.create(user=leader, role=Role.ASSESSMENT_OFFICE, town=town)
    plan = _return(submitted, leader)
    (returned,) = _open(office, "pay.returned")
    assert returned.title == f"Pay plan returned by the main leader: {PlanKind(BONUS).label} 2026"
    assert (returned.subject, returned.key) == (
        f"pay.plan:{plan.pk}:office",
        f"pay.returned:{plan.pk}:{plan.version}",
    )
    assert (returned.link, returned.town) == (_url("pay:plan", town), town)
    assert _open(leader, "pay.returned") == []  # in the office too, but they returned it


# The home to-do


def test_the_main_leader_sees_the_waiting_plan_on_the_home_page_until_it_is_decided(
    submitted, leader, town, client_for
):
    home = client_for(leader).get(reverse("town_home", args=[town.slug]))
    card = next(c for c in home.context["cards"] if c.key == "main_leader")
    (line,) = [ln for ln in card.lines if ln.label.startswith(WAITING)]
    assert line.url == _url("pay:plan", town) and line.urgent
    _approve(submitted, leader)
    cards = todo(type(leader).objects.get(pk=leader.pk), town)
    assert not any(ln.label.startswith(WAITING) for c in cards for ln in c.lines)


def test_the_office_sees_a_returned_plan_with_its_reason_on_the_home_page(submitted, leader, office, town):
    _return(submitted, leader)
    card = next(c for c in todo(office, town) if c.key == "assessment_office")
    (line,) = [ln for ln in card.lines if ln.label.startswith("Pay plan returned")]
    assert "池额有误" in line.note


def test_the_pay_lines_of_the_home_page_take_one_query_whatever_the_number_of_plans(
    graded, town, office, leader
):
    RoleAssignment.objects.create(user=leader, role=Role.ASSESSMENT_OFFICE, town=town)

    def count():
        user = type(leader).objects.get(pk=leader.pk)
        todo(user, town)  # the user's grants, loaded once per request
        with CaptureQueriesContext(connection) as queries:
            cards = todo(user, town)
        return len(queries), sum(len(c.lines) for c in cards)

    none, lines_none = count()
    plans = []
    for kind in PlanKind.values:
        plan = services.plan_save(
            actor=office, town=town, year=2026, kind=kind, values=values(), based_on=None
        )
        plan = services.plan_compute(actor=office, plan=plan, based_on=plan.version)
        plans.append(
            services.plan_move(actor=office, plan=plan, to=PlanStatus.SUBMITTED, based_on=plan.version)
        )
    services.plan_move(
        actor=leader, plan=plans[0], to=PlanStatus.DRAFT, based_on=plans[0].version, reason="再议"
    )
    many, lines_many = count()
    assert lines_many == lines_none + 2  # one returned to the office, one waiting for the leader
    assert many == none


# Withdrawal


def test_the_office_withdraws_a_submitted_plan_audited_and_the_leaders_request_done(
    submitted, office, leader, client_for, town
):
    page = client_for(office).get(_url("pay:plan", town)).content.decode()
    assert 'id="withdraw"' in page and "can no longer approve or return it" in page
    response = client_for(office).post(
        _url("pay:plan_withdraw", town), {"version": submitted.version, "confirmed": "1"}
    )
    assert response.status_code == 302
    plan = _fresh(submitted)
    assert plan.status == PlanStatus.DRAFT and plan.submitted_by is None
    entry = AuditEntry.objects.filter(action="pay_plan.withdraw").get()
    assert entry.old["status"] == "submitted" and entry.new == {"status": "draft"}
    assert _open(leader, "pay.approve") == []
    assert 'id="withdraw"' not in client_for(leader).get(_url("pay:plan", town)).content.decode()


def test_a_withdrawal_needs_its_confirmation_and_the_page_version(submitted, office):
    with pytest.raises(DomainError, match="Confirm the withdrawal"):
        services.plan_withdraw(actor=office, plan=submitted, based_on=submitted.version)
    with pytest.raises(DomainError):
        services.plan_withdraw(actor=office, plan=submitted, based_on=submitted.version - 1, confirmed=True)
    assert _fresh(submitted).status == PlanStatus.SUBMITTED


def test_a_stale_page_withdraws_nothing(submitted, office, client_for, town):
    client_for(office).post(
        _url("pay:plan_withdraw", town), {"version": submitted.version - 1, "confirmed": "1"}
    )
    assert _fresh(submitted).status == PlanStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="pay_plan.withdraw").exists()


def test_an_approved_or_draft_plan_cannot_be_withdrawn(submitted, office, leader):
    plan = _approve(submitted, leader)
    with pytest.raises(DomainError, match="approved already"):
        services.plan_withdraw(actor=office, plan=plan, based_on=plan.version, confirmed=True)
    assert _fresh(plan).status == PlanStatus.APPROVED


def test_a_draft_cannot_be_withdrawn(computed, office):
    with pytest.raises(DomainError, match="nothing to withdraw"):
        services.plan_withdraw(actor=office, plan=computed, based_on=computed.version, confirmed=True)


def test_nobody_but_the_towns_office_withdraws(submitted, leader, personas, client_for, town, other_town):
    stranger = testing.make_user("other_office", town=other_town, role=Role.ASSESSMENT_OFFICE)
    for user in (leader, personas["cadre"], stranger):
        response = client_for(user).post(
            _url("pay:plan_withdraw", town), {"version": submitted.version, "confirmed": "1"}
        )
        assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.plan_withdraw(actor=leader, plan=submitted, based_on=submitted.version, confirmed=True)
    assert _fresh(submitted).status == PlanStatus.SUBMITTED


def test_the_messages_are_written_in_the_sites_language_whoever_posted_them(
    computed, office, leader, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    services.plan_move(actor=office, plan=computed, to=PlanStatus.SUBMITTED, based_on=computed.version)
    (message,) = _open(leader, "pay.approve")
    assert "待您审批" in message.title and "Bonus" not in message.title

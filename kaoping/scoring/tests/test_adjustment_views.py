from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.accounts.models import Role, RoleAssignment
from kaoping.audit.models import AuditEntry
from kaoping.indicators.models import AdjustmentReason
from kaoping.people.models import Population
from kaoping.results import services as period_services
from kaoping.results.models import MonthlyResult

from .. import services
from ..models import Adjustment, AdjustmentStatus, PeriodStatus
from .conftest import make_scheme, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["assessment_office"])


@pytest.fixture
def deduction(scheme):
    return AdjustmentReason.objects.get(scheme=scheme, name="安全生产")


def _form(reason, *shares, title="某村安全生产事故", evidence="乳山市安监通报第5号"):
    return {
        "reason": reason.pk,
        "title": title,
        "evidence": evidence,
        "cadre": [c.pk for c, _p in shares],
        "points": [p for _c, p in shares],
    }


def _register(period, user, reason, *shares) -> Adjustment:
    return services.adjustment_create(
        actor=user,
        period=period,
        reason=reason,
        title="某村安全生产事故",
        evidence="",
        shares=[services.ShareInput(c, Decimal(p)) for c, p in shares],
    )


@pytest.mark.django_db
def test_the_form_offers_the_years_reasons_of_every_population_and_shows_the_caps(
    office, town, period, scheme
):
    make_scheme(town, Population.VILLAGE, deduction_cap_month=Decimal("2.5"))
    html = office.get(url("adjustment_create", town)).content.decode()
    assert '<optgroup label="Agency cadre · Bonus">' in html
    assert '<optgroup label="Agency cadre · Deduction">' in html
    assert '<optgroup label="Village cadre · Deduction">' in html
    assert "安全生产 (usually 2 points)" in html
    assert "Caps of the 2026 schemes" in html
    assert "2.5 / —" in html and "5 / 20" in html  # deduction caps: village, agency
    assert 'name="cadre"' in html and 'name="points"' in html


@pytest.mark.django_db
def test_add_another_cadre_returns_one_more_share_row(office, town, period, cadres):
    response = office.get(url("adjustment_create", town) + "?share_row=1", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.count('<tr class="share-row">') == 1
    assert "张伟" in html and "<html" not in html


@pytest.mark.django_db
def test_one_incident_shared_by_two_cadres_deducts_from_both_once_approved(
    client_for, office, personas, town, period, cadres, deduction
):
    zhang, li = cadres[0], cadres[1]
    response = office.post(url("adjustment_create", town), _form(deduction, (zhang, "2"), (li, "1.5")))
    adjustment = Adjustment.objects.get()
    assert response.status_code == 302
    assert response.url == url("adjustment_detail", town, adjustment.pk)
    assert (adjustment.kind, adjustment.status, adjustment.created_by) == (
        "deduction",
        AdjustmentStatus.DRAFT,
        personas["assessment_office"],
    )
    assert {(s.cadre.name, s.points) for s in adjustment.shares.all()} == {
        ("张伟", Decimal(2)),
        ("李娜", Decimal("1.5")),
    }
    listing = office.get(url("adjustment_list", town)).content.decode()
    assert "某村安全生产事故" in listing and "张伟 <span" in listing and "−1.5" in listing

    leader = client_for(personas["main_leader"])
    response = leader.post(url("adjustment_decide", town, adjustment.pk), {"decision": "approve"})
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert (adjustment.status, adjustment.decided_by) == (AdjustmentStatus.APPROVED, personas["main_leader"])
    deductions = dict(MonthlyResult.objects.filter(period=period).values_list("cadre__name", "deduction"))
    assert deductions["张伟"] == Decimal(2)
    assert deductions["李娜"] == Decimal("1.5")
    assert deductions["赵强"] == 0
    detail = leader.get(url("adjustment_detail", town, adjustment.pk)).content.decode()
    assert "Approved" in detail and "main_leader" in detail
    assert "5 a month, 20 a year" in detail  # the deduction caps of the cadres' scheme


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([], "Name at least one cadre."),
        ([(0, "2"), (0, "1")], "张伟 is named twice."),
        ([(0, "0")], "Points are entered as positive numbers"),
        ([(0, "两分")], "“两分” is not a number."),
        ([(0, "1e3")], "“1e3” is written with an exponent"),
        ([(0, "10000")], "“10000” is too large: at most 9999.99."),
        ([(None, "2")], "Choose a cadre."),
        ([(0, "1.234")], "At most 2 decimal places are allowed."),
    ],
)
def test_the_form_shows_why_an_adjustment_is_refused(
    office, town, period, cadres, deduction, shares, message
):
    data = _form(deduction)
    data["cadre"] = ["" if i is None else cadres[i].pk for i, _p in shares]
    data["points"] = [p for _i, p in shares]
    response = office.post(url("adjustment_create", town), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Adjustment.objects.exists()


@pytest.mark.django_db
def test_a_reason_of_another_year_is_not_offered(office, town, period, cadres):
    last_year = make_scheme(town, Population.VILLAGE)
    last_year.year = 2025
    last_year.save()
    reason = last_year.adjustment_reasons.first()
    response = office.post(url("adjustment_create", town), _form(reason, (cadres[0], "1")))
    assert "Select a valid choice." in response.content.decode()
    assert not Adjustment.objects.exists()


@pytest.mark.django_db
def test_whoever_registers_cannot_approve(client_for, personas, town, period, cadres, deduction):
    both = testing.make_user("secretary", town=town, role=Role.ASSESSMENT_OFFICE)
    RoleAssignment.objects.create(user=both, role=Role.MAIN_LEADER, town=town)
    adjustment = _register(period, both, deduction, (cadres[0], "2"))
    client = client_for(both)
    detail = client.get(url("adjustment_detail", town, adjustment.pk)).content.decode()
    assert "You registered this; another leader must decide on it." in detail
    response = client.post(url("adjustment_decide", town, adjustment.pk), {"decision": "approve"})
    assert (
        "You registered this bonus or deduction: someone else must take the next step"
        in response.content.decode()
    )
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.DRAFT
    assert not AuditEntry.objects.filter(action="adjustment.decide").exists()


@pytest.mark.django_db
def test_rejecting_needs_a_note_which_the_detail_then_shows(
    client_for, personas, town, period, cadres, deduction
):
    adjustment = _register(period, personas["assessment_office"], deduction, (cadres[0], "2"))
    leader = client_for(personas["main_leader"])
    response = leader.post(url("adjustment_decide", town, adjustment.pk), {"decision": "reject"})
    assert "Say why it is rejected." in response.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.DRAFT
    leader.post(url("adjustment_decide", town, adjustment.pk), {"decision": "reject", "note": "证据不足"})
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REJECTED
    detail = leader.get(url("adjustment_detail", town, adjustment.pk)).content.decode()
    assert "证据不足" in detail and 'name="decision"' not in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("scorer", 403), ("group_leader", 403), ("main_leader", 403), ("cadre", 403), ("no_role", 404)],
)
def test_only_the_assessment_office_registers(client_for, personas, town, period, persona, status):
    assert client_for(personas[persona]).get(url("adjustment_create", town)).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["assessment_office", "scorer", "group_leader"])
def test_only_the_main_leader_decides(client_for, personas, town, period, cadres, deduction, persona):
    adjustment = _register(period, personas["assessment_office"], deduction, (cadres[0], "2"))
    response = client_for(personas[persona]).post(
        url("adjustment_decide", town, adjustment.pk), {"decision": "approve"}
    )
    assert response.status_code == 403
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.DRAFT


@pytest.mark.django_db
def test_a_closed_month_takes_no_new_adjustments(office, personas, town, period, cadres, deduction):
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    response = office.post(url("adjustment_create", town), _form(deduction, (cadres[0], "1")))
    assert "2026-03 is closed: scores can no longer change." in response.content.decode()
    assert not Adjustment.objects.exists()
    assert "Register a bonus or deduction" not in office.get(url("adjustment_list", town)).content.decode()


@pytest.mark.django_db
def test_another_towns_adjustment_is_not_found(client_for, personas, town, other_town, period, deduction):
    other_office = testing.make_user("other_office", town=other_town, role=Role.ASSESSMENT_OFFICE)
    other_scheme = make_scheme(other_town)
    other_period = services.period_open(actor=other_office, town=other_town, month=date(2026, 3, 1))
    stranger = testing.make_cadre(other_town, "外镇干部", 50)
    other = _register(other_period, other_office, other_scheme.adjustment_reasons.first(), (stranger, "1"))
    leader = client_for(personas["main_leader"])
    assert leader.get(url("adjustment_detail", town, other.pk)).status_code == 404
    assert leader.post(url("adjustment_decide", town, other.pk), {"decision": "approve"}).status_code == 404
    other.refresh_from_db()
    assert other.status == AdjustmentStatus.DRAFT
    assert leader.get(url("adjustment_list", other_town)).status_code == 404


@pytest.mark.django_db
def test_the_list_filters_by_status(office, personas, town, period, cadres, deduction):
    _register(period, personas["assessment_office"], deduction, (cadres[0], "2"))
    approved = _register(period, personas["assessment_office"], deduction, (cadres[1], "1"))
    services.adjustment_decide(actor=personas["main_leader"], adjustment=approved, approve=True)
    html = office.get(url("adjustment_list", town) + "?status=approved").content.decode()
    assert "李娜" in html and "张伟" not in html

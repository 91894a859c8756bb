"""A score sheet is approved, and a bonus or deduction decided, by someone other than whoever
submitted or registered it, whatever roles they hold."""

from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.accounts.models import Role, RoleAssignment
from kaoping.core.errors import DomainError
from kaoping.people.models import Population

from .. import services
from ..models import SheetStatus
from .conftest import fill, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_a_group_leader_who_submits_a_sheet_cannot_approve_it_and_is_told_why(
    client_for, personas, town, sheet
):
    leader = personas["group_leader"]
    fill(sheet, leader)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.SUBMITTED)
    page = client_for(leader).get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert ">Approve</button>" not in page
    assert "You submitted this score sheet: someone else must take the next step" in page
    with pytest.raises(DomainError, match="You submitted this score sheet"):
        services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.APPROVED)
    client_for(leader).post(url("sheet_move", town, sheet.pk), {"to": "approved"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    other = testing.make_user("leader2", town=town, role=Role.GROUP_LEADER, population=Population.AGENCY)
    assert ">Approve</button>" in client_for(other).get(url("sheet_grid", town, sheet.pk)).content.decode()
    services.sheet_move(actor=other, sheet=sheet, to=SheetStatus.APPROVED)


@pytest.mark.django_db
def test_whoever_registers_a_bonus_cannot_approve_it_even_as_main_leader(
    personas, town, period, scheme, cadres
):
    both = testing.make_user("secretary", town=town, role=Role.ASSESSMENT_OFFICE)
    RoleAssignment.objects.create(user=both, role=Role.MAIN_LEADER, town=town)
    adjustment = services.adjustment_create(
        actor=both,
        period=period,
        reason=scheme.adjustment_reasons.get(name="改革创新"),
        title="市级表彰",
        evidence="",
        shares=[services.ShareInput(cadres[0], Decimal(1))],
    )
    with pytest.raises(DomainError, match="You registered this bonus or deduction"):
        services.adjustment_decide(actor=both, adjustment=adjustment, approve=True)
    services.adjustment_decide(actor=personas["main_leader"], adjustment=adjustment, approve=True)

"""An empty cell is never a zero: incomplete sheets, cadres not scored this month, and closing and
publishing a month only after a summary and an explicit confirmation."""

from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.results import services as period_services
from kaoping.results.models import MonthlyResult

from .. import services
from ..models import ExcuseReason, PeriodStatus, SheetStatus
from .conftest import fill, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _all_but(sheet, personas, cadre):
    """Every cell scored except the given cadre's."""
    fill(sheet, personas["scorer"])
    cells = [services.Cell(cadre.pk, i.pk, None) for i in sheet.scheme.indicators.all()]
    sheet.refresh_from_db()
    services.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=cells, based_on_revision=sheet.revision
    )


@pytest.mark.django_db
def test_a_sheet_with_empty_cells_cannot_be_submitted_and_the_refusal_counts_them(personas, sheet, cadres):
    _all_but(sheet, personas, cadres[1])
    with pytest.raises(
        DomainError, match="5 cells of 1 cadres are empty. An empty cell is never a zero"
    ) as caught:
        services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    assert caught.value.errors == ["李娜: 5"]
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT


@pytest.mark.django_db
def test_a_cadre_not_scored_this_month_lets_the_sheet_go_and_gets_no_result_never_a_zero(
    client_for, personas, town, period, sheet, cadres
):
    _all_but(sheet, personas, cadres[1])
    services.excusal_set(
        actor=personas["scorer"], sheet=sheet, cadre=cadres[1], reason=ExcuseReason.LEAVE, note="产假"
    )
    assert AuditEntry.objects.filter(action="excusal.create").count() == 1
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    office = personas["assessment_office"]
    period_services.period_move(actor=office, period=period, to=PeriodStatus.CLOSED, confirmed=True)
    period_services.period_move(actor=office, period=period, to=PeriodStatus.PUBLISHED, confirmed=True)
    results = {r.cadre_id: r for r in MonthlyResult.objects.filter(period=period)}
    assert cadres[1].pk not in results  # left out of the month, not ranked last at 0
    assert cadres[0].pk in results and all(r.total > 0 for r in results.values())
    page = client_for(office).get(url("breakdown", town, cadres[1].pk)).content.decode()
    assert "Not scored this month: On leave: 产假" in page
    grid = client_for(personas["scorer"]).get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "Not scored: On leave: 产假" in grid


@pytest.mark.django_db
def test_a_cadre_with_scores_cannot_be_excused_and_an_excused_cadre_cannot_be_scored(
    personas, sheet, cadres, indicators
):
    scorer = personas["scorer"]
    services.entries_save(
        actor=scorer, sheet=sheet, cells=[services.Cell(cadres[0].pk, indicators["1.1"].pk, "5", "", 0)]
    )
    with pytest.raises(DomainError, match="has 1 score this month: clear it"):
        services.excusal_set(actor=scorer, sheet=sheet, cadre=cadres[0], reason=ExcuseReason.LEAVE)
    with pytest.raises(DomainError, match="Say why the cadre is not scored"):
        services.excusal_set(actor=scorer, sheet=sheet, cadre=cadres[1], reason=ExcuseReason.OTHER)
    services.excusal_set(actor=scorer, sheet=sheet, cadre=cadres[1], reason=ExcuseReason.NEW_IN_POST)
    with pytest.raises(DomainError, match="Nothing was saved") as caught:
        services.entries_save(
            actor=scorer, sheet=sheet, cells=[services.Cell(cadres[1].pk, indicators["1.1"].pk, "5", "", 0)]
        )
    assert "李娜 is marked not scored this month (New in post)" in caught.value.errors[0]


@pytest.mark.django_db
@pytest.mark.parametrize("to", [PeriodStatus.CLOSED, PeriodStatus.PUBLISHED])
def test_closing_and_publishing_are_refused_without_an_explicit_confirmation(personas, period, to):
    office = personas["assessment_office"]
    if to == PeriodStatus.PUBLISHED:
        period_services.period_move(actor=office, period=period, to=PeriodStatus.CLOSED, confirmed=True)
    with pytest.raises(DomainError, match="Confirm first"):
        period_services.period_move(actor=office, period=period, to=to)
    period.refresh_from_db()
    assert period.status != to


@pytest.mark.django_db
def test_publishing_is_refused_while_a_cell_is_empty_even_with_every_sheet_approved(
    personas, town, period, sheet, cadres
):
    fill(sheet, personas["scorer"])
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    testing.make_cadre(town, "钱新", 9)  # joined after the approval: their cells are empty
    office = personas["assessment_office"]
    period_services.period_move(actor=office, period=period, to=PeriodStatus.CLOSED, confirmed=True)
    with pytest.raises(DomainError, match="5 cells are still empty. An empty cell is never a zero"):
        period_services.period_move(actor=office, period=period, to=PeriodStatus.PUBLISHED, confirmed=True)
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED


@pytest.mark.django_db
def test_the_confirmation_page_summarises_the_month_and_says_what_cannot_be_undone(
    client_for, personas, town, period, sheet, scheme, cadres, indicators
):
    services.entries_save(
        actor=personas["scorer"],
        sheet=sheet,
        cells=[services.Cell(cadres[0].pk, indicators["1.1"].pk, "5", "", 0)],
    )
    services.adjustment_create(
        actor=personas["assessment_office"],
        period=period,
        reason=scheme.adjustment_reasons.get(name="改革创新"),
        title="市级表彰",
        evidence="",
        shares=[services.ShareInput(cadres[0], Decimal(1))],
    )
    client = client_for(personas["assessment_office"])
    detail = client.get(url("period_detail", town)).content.decode()
    assert url("period_confirm", town, "closed") in detail  # the button leads to the summary first
    page = client.get(url("period_confirm", town, "closed")).content.decode()
    assert "19 empty cells" in page and "1 bonus or deduction waiting for a decision" in page
    assert "This cannot be undone." in page and 'name="confirmed" value="1"' in page and "required" in page
    response = client.post(url("period_move", town), {"to": "closed"})  # the box left unticked
    period.refresh_from_db()
    assert response.status_code == 302 and period.status == PeriodStatus.OPEN
    client.post(url("period_move", town), {"to": "closed", "confirmed": "1"})
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    page = client.get(url("period_confirm", town, "published")).content.decode()
    assert "The month cannot be published yet" in page and 'name="confirmed"' not in page


@pytest.mark.django_db
def test_a_scorer_marks_a_cadre_not_scored_from_the_grid_page(client_for, personas, town, sheet, cadres):
    client = client_for(personas["scorer"])
    client.post(
        url("excusal_add", town, sheet.pk), {"cadre": cadres[2].pk, "reason": "leave", "note": "病假"}
    )
    assert sheet.excusals.get().cadre == cadres[2]
    response = client.post(url("excusal_add", town, sheet.pk), {"cadre": "x", "reason": "leave"})
    assert response.status_code == 302 and sheet.excusals.count() == 1
    client.post(url("excusal_remove", town, sheet.pk, cadres[2].pk))
    assert not sheet.excusals.exists()
    assert AuditEntry.objects.filter(action="excusal.delete").count() == 1

from decimal import Decimal

import pytest

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.results import services as period_services
from kaoping.results.models import MonthlyResult
from kaoping.results.selectors import breakdown_lines, with_basis

from .. import services
from ..models import AdjustmentStatus, PeriodStatus, ScoreEntry, ScoreSheet, SheetStatus
from .conftest import make_scheme


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _cells(*cells):
    return [services.Cell(c.pk, i.pk, v, n) for c, i, v, n in cells]


def _save(personas, sheet, *cells, who="scorer"):
    return services.entries_save(
        based_on_revision=ScoreSheet.objects.get(pk=sheet.pk).revision,
        actor=personas[who],
        sheet=sheet,
        cells=_cells(*cells),
    )


@pytest.mark.django_db
def test_saving_cells_stores_them_audits_each_and_recomputes_the_month(
    personas, period, sheet, cadres, indicators
):
    zhang = cadres[0]
    assert (
        _save(personas, sheet, (zhang, indicators["1.1"], "8", "记录"), (zhang, indicators["1.2"], "1", ""))
        == 2
    )
    assert ScoreEntry.objects.count() == 2
    created = AuditEntry.objects.filter(action="score.create")
    assert {e.object_repr for e in created} == {"张伟 · 1.1", "张伟 · 1.2"}
    result = with_basis(MonthlyResult.objects).get(period=period, cadre=zhang)
    assert breakdown_lines(result)[0]["raw"] == "8.00"


@pytest.mark.django_db
def test_an_unchanged_cell_is_neither_saved_nor_audited_again(personas, sheet, cadres, indicators):
    _save(personas, sheet, (cadres[0], indicators["1.1"], "8", ""))
    before = AuditEntry.objects.count()
    assert _save(personas, sheet, (cadres[0], indicators["1.1"], "8.00", "")) == 0
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_one_bad_cell_refuses_the_whole_batch_and_lists_every_problem(personas, sheet, cadres, indicators):
    with pytest.raises(DomainError) as refused:
        _save(
            personas,
            sheet,
            (cadres[0], indicators["1.1"], "5", ""),
            (cadres[1], indicators["1.1"], "12", ""),
            (cadres[2], indicators["1.2"], "-1", ""),
        )
    assert refused.value.message == "Nothing was saved: 2 cells need fixing."
    assert refused.value.errors == [
        "李娜 · 1.1: The maximum for 1.1 is 10.00.",
        "赵强 · 1.2: A score cannot be negative.",
    ]
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
def test_a_cell_outside_the_sheet_is_refused(personas, town, sheet, cadres, indicators):
    village = make_scheme(town, "village")
    foreign = village.indicators.first()
    with pytest.raises(DomainError) as refused:
        _save(personas, sheet, (cadres[0], foreign, "1", ""))
    assert refused.value.errors == ["A cell refers to a cadre or indicator outside this sheet."]


@pytest.mark.django_db
def test_a_closed_month_refuses_scores(personas, period, sheet, cadres, indicators):
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    with pytest.raises(DomainError, match="2026-03 is closed"):
        _save(personas, sheet, (cadres[0], indicators["1.1"], "5", ""))
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [SheetStatus.SUBMITTED, SheetStatus.APPROVED])
def test_a_sheet_past_draft_refuses_scores(personas, sheet, cadres, indicators, status):
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=status)
    with pytest.raises(DomainError, match="must be returned to draft"):
        _save(personas, sheet, (cadres[0], indicators["1.1"], "5", ""))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["village_scorer", "assessment_office", "main_leader"])
def test_only_the_populations_scorers_enter_scores(personas, village_scorer, sheet, cadres, indicators, who):
    personas["village_scorer"] = village_scorer
    with pytest.raises(DomainError, match="You do not score this population."):
        _save(personas, sheet, (cadres[0], indicators["1.1"], "5", ""), who=who)


@pytest.mark.django_db
def test_the_group_leader_also_enters_scores(personas, sheet, cadres, indicators):
    assert _save(personas, sheet, (cadres[0], indicators["1.1"], "5", ""), who="group_leader") == 1


@pytest.mark.django_db
def test_a_sheet_goes_through_submission_return_approval_and_reopening(personas, sheet, complete):
    scorer, leader = personas["scorer"], personas["group_leader"]
    services.sheet_move(actor=scorer, sheet=sheet, to=SheetStatus.SUBMITTED)
    with pytest.raises(DomainError, match="Say why the sheet is returned."):
        services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.DRAFT)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.DRAFT, reason="请补充依据")
    services.sheet_move(actor=scorer, sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.APPROVED)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_by, sheet.approved_by) == (SheetStatus.APPROVED, scorer, leader)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.DRAFT)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.approved_by) == (SheetStatus.DRAFT, None)
    moves = AuditEntry.objects.filter(action="sheet.move").order_by("id")
    assert [m.new["status"] for m in moves] == ["submitted", "draft", "submitted", "approved", "draft"]
    assert moves[1].note == "请补充依据"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "before", "to", "message"),
    [
        ("group_leader", SheetStatus.DRAFT, SheetStatus.APPROVED, "cannot become Approved"),
        ("scorer", SheetStatus.SUBMITTED, SheetStatus.APPROVED, "You are not allowed to do this."),
        ("village_scorer", SheetStatus.DRAFT, SheetStatus.SUBMITTED, "You are not allowed to do this."),
        ("scorer", SheetStatus.APPROVED, SheetStatus.SUBMITTED, "cannot become Submitted"),
    ],
)
def test_illegal_sheet_moves_are_refused(personas, village_scorer, sheet, who, before, to, message):
    personas["village_scorer"] = village_scorer
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=before)
    with pytest.raises(DomainError, match=message):
        services.sheet_move(actor=personas[who], sheet=sheet, to=to, reason="x")
    sheet.refresh_from_db()
    assert sheet.status == before


@pytest.mark.django_db
def test_a_closed_month_refuses_sheet_moves(personas, period, sheet):
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    with pytest.raises(DomainError, match="closed"):
        services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)


@pytest.mark.django_db
def test_an_incident_shared_by_two_cadres_deducts_each_share_once_approved(personas, period, scheme, cadres):
    reason = scheme.adjustment_reasons.get(name="安全生产")
    adjustment = services.adjustment_create(
        actor=personas["assessment_office"],
        period=period,
        reason=reason,
        title="安全事故",
        evidence="通报",
        shares=[services.ShareInput(cadres[0], Decimal(3)), services.ShareInput(cadres[1], Decimal(1))],
    )
    assert not MonthlyResult.objects.filter(deduction__gt=0).exists()  # a draft does not count
    services.adjustment_decide(actor=personas["main_leader"], adjustment=adjustment, approve=True)
    deductions = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "deduction"))
    assert (deductions[cadres[0].pk], deductions[cadres[1].pk], deductions[cadres[2].pk]) == (3, 1, 0)


@pytest.mark.django_db
def test_the_registrar_cannot_decide_and_a_decision_is_final(personas, period, scheme, cadres):
    from kaoping.accounts.models import Role, RoleAssignment

    office = personas["assessment_office"]
    RoleAssignment.objects.create(user=office, role=Role.MAIN_LEADER, town=period.town)
    office._kaoping_grants = None
    reason = scheme.adjustment_reasons.get(name="改革创新")
    adjustment = services.adjustment_create(
        actor=office,
        period=period,
        reason=reason,
        title="改革创新获市级表彰",
        evidence="",
        shares=[services.ShareInput(cadres[0], Decimal(1))],
    )
    with pytest.raises(DomainError, match="You registered this bonus or deduction: someone else must"):
        services.adjustment_decide(actor=office, adjustment=adjustment, approve=True)
    services.adjustment_decide(
        actor=personas["main_leader"], adjustment=adjustment, approve=False, note="不符"
    )
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REJECTED
    with pytest.raises(DomainError, match="already been decided"):
        services.adjustment_decide(actor=personas["main_leader"], adjustment=adjustment, approve=True)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["scorer", "main_leader"])
def test_only_the_assessment_office_registers_adjustments(personas, period, scheme, cadres, who):
    with pytest.raises(DomainError, match="not allowed"):
        services.adjustment_create(
            actor=personas[who],
            period=period,
            reason=scheme.adjustment_reasons.first(),
            title="x",
            evidence="",
            shares=[services.ShareInput(cadres[0], Decimal(1))],
        )


@pytest.mark.django_db
def test_one_bad_cell_is_named_in_the_singular(personas, sheet, cadres, indicators):
    with pytest.raises(DomainError) as refused:
        _save(personas, sheet, (cadres[0], indicators["1.1"], "12", ""))
    assert refused.value.message == "Nothing was saved: 1 cell needs fixing."

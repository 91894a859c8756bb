"""Who a month's ranking leaves out, and says so: cadres with empty cells before publication (an empty
cell is never a zero, so they have no rank and no total yet), cadres not scored this month (with the
reason), and bonuses and deductions of excused cadres, which are never applied."""

import io
from decimal import Decimal

import openpyxl
import pytest

from kaoping.core.errors import DomainError
from kaoping.engine.periods import Span
from kaoping.reports import rankings
from kaoping.results import services as period_services
from kaoping.results.models import MonthlyResult

from .. import completeness, services
from ..models import AdjustmentStatus, ExcuseReason, PeriodStatus, SheetStatus
from .conftest import fill, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _clear(sheet, user, cadre, indicators):
    """Empty the given cells of the cadre."""
    sheet.refresh_from_db()
    cells = [services.Cell(cadre.pk, i.pk, None) for i in indicators]
    services.entries_save(actor=user, sheet=sheet, cells=cells, based_on_revision=sheet.revision)


@pytest.fixture
def half_scored(personas, sheet, cadres, indicators):
    """Every cell scored (the manual indicator with 8, 李娜 9, 张伟 10), then 张伟's completion cell
    emptied: his stored result reads it as nothing earned, yet puts him first."""
    fill(sheet, personas["scorer"], value="8")
    sheet.refresh_from_db()
    services.entries_save(
        actor=personas["scorer"],
        sheet=sheet,
        cells=[
            services.Cell(cadres[1].pk, indicators["1.1"].pk, "9"),
            services.Cell(cadres[0].pk, indicators["1.1"].pk, "10"),
        ],
        based_on_revision=sheet.revision,
    )
    _clear(sheet, personas["scorer"], cadres[0], [indicators["2.3"]])
    return sheet


def test_an_open_month_ranks_only_the_fully_scored_and_lists_the_others_with_their_empty_cells(
    client_for, personas, town, period, half_scored, cadres
):
    stored = {r.cadre_id: r for r in MonthlyResult.objects.filter(period=period)}
    assert stored[cadres[0].pk].rank == 1  # stored as if the empty cell were a zero
    assert stored[cadres[1].pk].rank == 2
    response = client_for(personas["assessment_office"]).get(url("ranking", town))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert cadres[0] not in [r.cadre for r in rows]
    assert [(r.cadre.name, r.rank) for r in rows][0] == ("李娜", 1)
    assert sorted(r.rank for r in rows) == [1, 2, 2]  # the others among themselves, ties share a rank
    assert [(u.cadre.name, u.empty) for u in response.context["unscored"]] == [("张伟", 1)]
    page = response.content.decode()
    assert "Provisional: 1 cadre is not fully scored yet and is left out of this ranking" in page
    assert 'id="ranking-unscored"' in page and "张伟" in page
    assert str(stored[cadres[0].pk].total) not in page.split('id="ranking-unscored"')[1]


def test_the_breakdown_of_a_cadre_with_empty_cells_shows_no_total_nor_rank(
    client_for, personas, town, period, half_scored, cadres
):
    response = client_for(personas["assessment_office"]).get(url("breakdown", town, cadres[0].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not fully scored yet: 1 cell of this month is empty" in page
    assert "card card-body stat" not in page and "Rounded half-up" not in page  # no total, no rank
    full = client_for(personas["assessment_office"]).get(url("breakdown", town, cadres[1].pk))
    assert "card card-body stat" in full.content.decode() and "Not fully scored" not in full.content.decode()


def test_the_quarter_leaves_out_a_month_not_fully_scored(personas, period, half_scored, cadres):
    page = rankings.ranking_page(period=period, population="agency", span=Span.QUARTER)
    assert cadres[0] not in [r.cadre for r in page.rows]
    assert [(u.cadre, u.month, u.empty) for u in page.unscored] == [(cadres[0], period.month, 1)]
    assert {r.months for r in page.rows} == {1}


def test_a_fully_scored_month_keeps_its_stored_ranks_and_lists_nobody(personas, period, complete, cadres):
    page = rankings.ranking_page(period=period, population="agency")
    assert page.unscored == [] and page.excused == []
    stored = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "rank"))
    assert {r.cadre.pk: r.rank for r in page.rows} == stored and len(stored) == 4


def _excuse(sheet, personas, cadre, note="产假"):
    sheet.refresh_from_db()
    cells = [services.Cell(cadre.pk, i.pk, None) for i in sheet.scheme.indicators.all()]
    services.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=cells, based_on_revision=sheet.revision
    )
    services.excusal_set(
        actor=personas["scorer"], sheet=sheet, cadre=cadre, reason=ExcuseReason.LEAVE, note=note
    )


def _publish(period, sheet, personas):
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    office = personas["assessment_office"]
    period_services.period_move(actor=office, period=period, to=PeriodStatus.CLOSED, confirmed=True)
    period_services.period_move(actor=office, period=period, to=PeriodStatus.PUBLISHED, confirmed=True)


def test_cadres_not_scored_this_month_are_listed_below_the_ranking_with_the_reason(
    client_for, personas, town, period, complete, cadres
):
    _excuse(complete, personas, cadres[1])
    _publish(period, complete, personas)
    for who in ("assessment_office", "cadre"):  # whoever sees the ranking
        response = client_for(personas[who]).get(url("ranking", town))
        assert response.status_code == 200
        assert cadres[1] not in [r.cadre for r in response.context["rows"]]
        page = response.content.decode()
        assert "Not scored in 2026-03 (not ranked)" in page
        assert "On leave: 产假" in page.split('id="ranking-excused"')[1]
    pool = client_for(personas["assessment_office"]).get(url("ranking", town) + "?pool=non_established")
    assert pool.status_code == 200 and pool.context["excused"] == []  # 李娜 is not in that pool


def test_the_ranking_export_lists_who_is_not_ranked_and_why(
    client_for, personas, town, period, complete, cadres
):
    _excuse(complete, personas, cadres[1])
    _clear(complete, personas["scorer"], cadres[0], list(complete.scheme.indicators.all())[:3])
    response = client_for(personas["assessment_office"]).get(url("ranking_export", town))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    ranked = [r for r in body if r["Rank"] is not None]
    assert {r["Name"] for r in ranked} == {"赵强", personas["cadre"].cadre.name}
    assert all(r["Not ranked because"] is None for r in ranked)
    left_out = {r["Name"]: (r["Score"], r["Not ranked because"]) for r in body if r["Rank"] is None}
    assert left_out == {
        "张伟": (None, "Not fully scored yet: 3 empty cells in 2026-03 (an empty cell is never a zero)"),
        "李娜": (None, "Not scored in 2026-03: On leave: 产假"),
    }


def _share(personas, period, scheme, cadre, kind="deduction"):
    reason = scheme.adjustment_reasons.get(kind=kind)
    return services.adjustment_create(
        actor=personas["assessment_office"],
        period=period,
        reason=reason,
        title="安全事故",
        evidence="通报",
        shares=[services.ShareInput(cadre, Decimal(2))],
    )


def test_a_bonus_or_deduction_for_an_excused_cadre_is_refused_when_registered_or_approved(
    personas, period, scheme, complete, cadres
):
    _excuse(complete, personas, cadres[1])
    with pytest.raises(
        DomainError, match="李娜 is not scored in 2026-03 \\(On leave: 产假\\): a bonus or de"
    ):
        _share(personas, period, scheme, cadres[1])
    assert not period.adjustments.exists()
    registered = _share(personas, period, scheme, cadres[2])
    services.excusal_clear(actor=personas["scorer"], sheet=complete, cadre=cadres[1])
    draft = _share(personas, period, scheme, cadres[1], kind="bonus")
    _excuse(complete, personas, cadres[1], note="病假")
    with pytest.raises(DomainError, match="Reject it, or clear their “not scored this month” mark"):
        services.adjustment_decide(actor=personas["main_leader"], adjustment=draft, approve=True)
    draft.refresh_from_db()
    assert draft.status == AdjustmentStatus.DRAFT
    services.adjustment_decide(actor=personas["main_leader"], adjustment=draft, approve=False, note="休假")
    services.adjustment_decide(actor=personas["main_leader"], adjustment=registered, approve=True)


def test_the_confirmation_warns_of_an_approved_share_of_a_cadre_excused_afterwards(
    client_for, personas, town, period, scheme, complete, cadres
):
    adjustment = _share(personas, period, scheme, cadres[1])
    services.adjustment_decide(actor=personas["main_leader"], adjustment=adjustment, approve=True)
    # The deduction is approved, then the cadre goes on leave: marking them says what it leaves unapplied.
    complete.refresh_from_db()
    cells = [services.Cell(cadres[1].pk, i.pk, None) for i in scheme.indicators.all()]
    services.entries_save(
        actor=personas["scorer"], sheet=complete, cells=cells, based_on_revision=complete.revision
    )
    marked = client_for(personas["scorer"]).post(
        url("excusal_add", town, complete.pk),
        {"cadre": cadres[1].pk, "reason": "leave", "note": "产假"},
        follow=True,
    )
    assert marked.status_code == 200
    assert "李娜 has a bonus or deduction this month (安全事故): it is not applied" in marked.content.decode()
    summary = completeness.period_summary(period)
    assert [(u.share.cadre, u.share.points, u.excusal.label) for u in summary.unapplied] == [
        (cadres[1], Decimal(2), "On leave: 产假")
    ]
    response = client_for(personas["assessment_office"]).get(url("period_confirm", town, "closed"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 bonus or deduction share of a cadre not scored this month: it is not applied" in page
    warning = page.split('id="unapplied-shares"')[1]
    assert "李娜（On leave: 产假） · " in warning and "安全事故" in warning and "−2" in warning

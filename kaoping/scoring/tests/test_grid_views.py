from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.indicators.models import Category, Indicator, IndicatorWeight, RuleKind
from kaoping.people.models import Department
from kaoping.results import services as period_services

from .. import services
from ..models import PeriodStatus, ScoreEntry, ScoreSheet, SheetStatus
from .conftest import MONTH, cell, make_scheme, note, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scorer(client_for, personas):
    return client_for(personas["scorer"])


def _values(sheet) -> dict:
    return {(e.cadre_id, e.indicator.code): e.value for e in ScoreEntry.objects.filter(sheet=sheet)}


def _save(sheet, user, cells):
    services.entries_save(
        based_on_revision=ScoreSheet.objects.get(pk=sheet.pk).revision,
        actor=user,
        sheet=sheet,
        cells=[services.Cell(c.pk, i.pk, str(v)) for c, i, v in cells],
    )


@pytest.mark.django_db
def test_the_grid_lists_cadres_by_category_and_department_and_indicators_by_category(
    scorer, town, sheet, cadres, indicators
):
    response = scorer.get(url("sheet_grid", town, sheet.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("张伟", "李娜", "赵强", "王小明"):
        assert name in html
    assert "Established staff · 党政办公室" in html
    assert "Established staff · 财政所" in html
    assert "Non-established staff · 党政办公室" in html
    assert html.index("党的建设") < html.index("乡村振兴")
    assert f'name="{cell(cadres[0], indicators["1.1"])}"' in html
    assert 'inputmode="decimal"' in html
    assert 'data-code="1.1" data-max="10" data-rule="manual"' in html
    assert "Scored by hand, from 0 to 10." in html  # the rule, in the column's title
    assert "scoring/grid.js" in html


@pytest.mark.django_db
def test_a_scorer_saves_cells_and_the_audit_log_keeps_old_and_new_per_cell(
    scorer, personas, town, sheet, cadres, indicators
):
    zhang, li = cadres[0], cadres[1]
    _save(sheet, personas["scorer"], [(zhang, indicators["1.1"], 6)])
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            cell(zhang, indicators["1.1"]): "8.5",
            note(zhang, indicators["1.1"]): "党委会议记录第3号",
            cell(li, indicators["1.2"]): "1",
        },
    )
    assert response.status_code == 302
    assert _values(sheet) == {(zhang.pk, "1.1"): Decimal("8.5"), (li.pk, "1.2"): Decimal(1)}
    assert ScoreEntry.objects.get(cadre=zhang).note == "党委会议记录第3号"
    update = AuditEntry.objects.get(action="score.update")
    assert update.old == {"value": "6.00", "note": ""}
    assert update.new == {"value": "8.5", "note": "党委会议记录第3号"}
    assert update.actor == personas["scorer"]
    created = AuditEntry.objects.get(action="score.create", object_repr__contains="李娜")
    assert created.new["value"] in ("1", "1.00")
    follow = scorer.get(response.url)
    assert "2 scores saved." in follow.content.decode()


@pytest.mark.django_db
def test_a_note_keeps_its_score_and_a_note_alone_is_refused(
    scorer, personas, town, sheet, cadres, indicators
):
    zhang, li = cadres[0], cadres[1]
    _save(sheet, personas["scorer"], [(zhang, indicators["1.1"], 6)])
    scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            note(zhang, indicators["1.1"]): "现场检查",
        },
    )
    entry = ScoreEntry.objects.get(cadre=zhang)
    assert (entry.value, entry.note) == (Decimal(6), "现场检查")
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            note(li, indicators["1.1"]): "无分数的说明",
        },
    )
    assert "Enter a score before its evidence note." in response.content.decode()
    assert not ScoreEntry.objects.filter(cadre=li).exists()


@pytest.mark.django_db
def test_clearing_a_value_deletes_the_score_and_its_note(scorer, personas, town, sheet, cadres, indicators):
    zhang = cadres[0]
    services.entries_save(
        based_on_revision=ScoreSheet.objects.get(pk=sheet.pk).revision,
        actor=personas["scorer"],
        sheet=sheet,
        cells=[services.Cell(zhang.pk, indicators["1.1"].pk, "6", "记录")],
    )
    scorer.post(
        url("sheet_save", town, sheet.pk),
        {"revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision), cell(zhang, indicators["1.1"]): ""},
    )
    assert not ScoreEntry.objects.filter(sheet=sheet).exists()
    assert AuditEntry.objects.get(action="score.delete").old == {"value": "6.00", "note": "记录"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("1.1", "10.5", "The maximum for 1.1 is 10.00."),
        ("1.1", "-1", "A score cannot be negative."),
        ("1.1", "abc", "“abc” is not a number."),
        ("1.2", "2", "Enter 1 (passed) or 0 (failed)."),
        ("2.2", "0", "Enter the rank: a whole number from 1."),
    ],
)
def test_a_refused_value_is_shown_next_to_its_cell_and_nothing_is_saved(
    scorer, town, sheet, cadres, indicators, code, value, message
):
    zhang, li = cadres[0], cadres[1]
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            cell(zhang, indicators["1.1"]): "7",
            cell(li, indicators[code]): value,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: 1 cell needs fixing." in html
    assert f'<div class="gc-error">{message}</div>' in html.replace("&quot;", '"')
    # What was typed stays in the grid, marked as not yet saved.
    assert f'name="{cell(li, indicators[code])}" value="{value}"' in html
    assert (
        f'name="{cell(zhang, indicators["1.1"])}" value="7" inputmode="decimal" data-v="0" data-saved=""'
        in html
    )
    assert not ScoreEntry.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="score.").exists()


@pytest.mark.django_db
def test_a_closed_month_refuses_scores_and_shows_the_grid_read_only(
    scorer, personas, town, period, sheet, cadres, indicators
):
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            cell(cadres[0], indicators["1.1"]): "5",
        },
    )
    assert "2026-03 is closed: scores can no longer change." in response.content.decode()
    assert not ScoreEntry.objects.exists()
    html = scorer.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "data-read-only" in html
    assert 'class="gc"' not in html
    assert "Submit to the group leader" not in html


@pytest.mark.django_db
def test_a_submitted_sheet_refuses_scores(scorer, personas, town, sheet, cadres, indicators, complete):
    _save(sheet, personas["scorer"], [(cadres[0], indicators["1.1"], 5)])
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            cell(cadres[0], indicators["1.1"]): "9",
        },
    )
    assert "This score sheet is Submitted; it must be returned to draft" in response.content.decode()
    assert _values(sheet)[(cadres[0].pk, "1.1")] == Decimal(5)


@pytest.mark.django_db
def test_a_scorer_of_another_population_may_read_the_grid_but_not_save_it(
    client_for, village_scorer, town, sheet, cadres, indicators
):
    client = client_for(village_scorer)
    html = client.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "only its population&#x27;s scorers fill it in" in html
    assert 'class="gc"' not in html
    response = client.post(
        url("sheet_save", town, sheet.pk),
        {
            "revision": str(ScoreSheet.objects.get(pk=sheet.pk).revision),
            cell(cadres[0], indicators["1.1"]): "5",
        },
    )
    assert response.status_code == 403
    assert client.post(url("sheet_move", town, sheet.pk), {"to": "submitted"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("cadre", 403), ("supervision_office", 403), ("no_role", 404)]
)
def test_people_without_results_access_cannot_open_the_grid(
    client_for, personas, town, sheet, persona, status
):
    assert client_for(personas[persona]).get(url("sheet_grid", town, sheet.pk)).status_code == status


@pytest.mark.django_db
def test_the_assessment_office_reads_the_grid_without_inputs(
    client_for, personas, town, sheet, cadres, indicators
):
    _save(sheet, personas["scorer"], [(cadres[0], indicators["1.1"], "7.5")])
    html = client_for(personas["assessment_office"]).get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert ">7.5</td>" in html
    assert 'class="gc"' not in html


@pytest.mark.django_db
def test_the_group_leader_approves_a_submitted_sheet_and_the_grid_says_who_and_when(
    complete, client_for, scorer, personas, town, sheet
):
    response = scorer.post(url("sheet_move", town, sheet.pk), {"to": "submitted"})
    assert response.status_code == 302
    leader = client_for(personas["group_leader"])
    html = leader.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "Submitted by scorer on" in html
    assert "Approve" in html and "Return to the scorers" in html
    leader.post(url("sheet_move", town, sheet.pk), {"to": "approved"})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.approved_by) == (SheetStatus.APPROVED, personas["group_leader"])
    html = leader.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "approved by group_leader on" in html
    assert "Reopen for changes" in html
    assert AuditEntry.objects.filter(action="sheet.move").count() == 2


@pytest.mark.django_db
def test_returning_a_sheet_needs_a_reason_which_the_scorers_then_see(
    complete, client_for, scorer, personas, town, sheet
):
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    leader = client_for(personas["group_leader"])
    response = leader.post(url("sheet_move", town, sheet.pk), {"to": "draft", "reason": " "}, follow=True)
    assert "Say why the sheet is returned." in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    leader.post(url("sheet_move", town, sheet.pk), {"to": "draft", "reason": "1.1 分数偏高，请核实"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    html = scorer.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert "Returned to draft by group_leader" in html
    assert "1.1 分数偏高，请核实" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "before", "to"),
    [
        ("group_leader", SheetStatus.DRAFT, SheetStatus.APPROVED),  # approving skips submission
        ("scorer", SheetStatus.SUBMITTED, SheetStatus.APPROVED),  # a scorer does not approve
        ("scorer", SheetStatus.SUBMITTED, SheetStatus.DRAFT),  # nor take a sheet back
        ("scorer", SheetStatus.SUBMITTED, SheetStatus.SUBMITTED),
    ],
)
def test_illegal_moves_are_refused_with_a_message(client_for, personas, town, sheet, persona, before, to):
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=before)
    response = client_for(personas[persona]).post(
        url("sheet_move", town, sheet.pk), {"to": to, "reason": "x"}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == before
    assert not AuditEntry.objects.filter(action="sheet.move").exists()


@pytest.mark.django_db
def test_another_towns_sheet_is_not_found(client_for, scorer, personas, town, other_town, sheet):
    make_scheme(other_town)
    other = services.period_open(actor=personas["assessment_office"], town=other_town, month=date(2026, 3, 1))
    other_sheet = other.sheets.get()
    for name in ("sheet_grid", "sheet_template", "sheet_import"):
        assert scorer.get(url(name, town, other_sheet.pk)).status_code == 404
    assert scorer.post(url("sheet_save", town, other_sheet.pk), {}).status_code == 404
    assert scorer.post(url("sheet_move", town, other_sheet.pk), {"to": "submitted"}).status_code == 404
    assert scorer.get(url("sheet_grid", other_town, other_sheet.pk)).status_code == 404
    other_sheet.refresh_from_db()
    assert other_sheet.status == SheetStatus.DRAFT
    assert client_for(personas["other_town_admin"]).get(url("sheet_grid", town, sheet.pk)).status_code == 404


@pytest.mark.django_db
def test_a_sheet_of_another_month_is_not_found(scorer, personas, town, sheet):
    services.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 4, 1))
    april = ScoreSheet.objects.get(period__month=date(2026, 4, 1))
    assert scorer.get(url("sheet_grid", town, april.pk)).status_code == 404


def _big_scheme(town, cadre_count: int, indicator_count: int):
    scheme = make_scheme(town, indicators=[("1.1", RuleKind.MANUAL, 10, {})])
    category = Category.objects.get(scheme=scheme, name="乡村振兴")
    for n in range(2, indicator_count + 1):
        indicator = Indicator.objects.create(
            scheme=scheme, category=category, code=f"2.{n}", name="指标", standard="-", max_score=Decimal(5)
        )
        IndicatorWeight.objects.create(
            indicator=indicator, effective_from=date(2026, 1, 1), weight=Decimal(1)
        )
    station = Department.objects.create(town=town, name="农业站")
    for n in range(cadre_count):
        testing.make_cadre(
            town, f"干部{n}", 100 + n, department=station if n % 2 else town.departments.first()
        )
    return scheme


@pytest.mark.django_db
@pytest.mark.parametrize("cadre_count", [5, 30])
def test_the_grid_is_read_in_a_bounded_number_of_queries(
    client_for, personas, town, django_assert_max_num_queries, cadre_count
):
    scheme = _big_scheme(town, cadre_count, 10)
    period = services.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 3, 1))
    sheet = period.sheets.get()
    indicators = list(scheme.indicators.all())
    cells = [
        services.Cell(c.pk, i.pk, "1", "依据")
        for c in sheet.scheme.town.cadres.filter(population="agency")
        for i in indicators
    ]
    services.entries_save(
        based_on_revision=ScoreSheet.objects.get(pk=sheet.pk).revision,
        actor=personas["scorer"],
        sheet=sheet,
        cells=cells,
    )
    client = client_for(personas["scorer"])
    # + the cadres not scored this month, + the month's roster and the departments posted to
    with django_assert_max_num_queries(17):
        response = client.get(url("sheet_grid", town, sheet.pk))
    assert response.status_code == 200
    assert (
        response.content.decode().count('class="gc"') + response.content.decode().count('class="gc gc-dirty"')
        == (cadre_count + 1) * 10
    )


@pytest.mark.django_db
def test_the_month_in_the_url_must_exist(scorer, town, sheet):
    response = scorer.get(url("sheet_grid", town, sheet.pk).replace(MONTH, "2026-13"))
    assert response.status_code == 404

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaoping.audit.models import AuditEntry
from kaoping.results import services as period_services

from .. import importing, services
from ..models import PeriodStatus, ScoreEntry, ScoreSheet, SheetStatus
from .conftest import url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scorer(client_for, personas):
    return client_for(personas["scorer"])


def _workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _lines(worksheet) -> list[list]:
    return [[c.value for c in line] for line in worksheet.iter_rows()]


def _save(content) -> bytes:
    buffer = io.BytesIO()
    content.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes):
    return {"file": SimpleUploadedFile("scores.xlsx", content, content_type="application/octet-stream")}


def _column(worksheet, header) -> int:
    return next(c.column for c in worksheet[1] if c.value == header)


def _row(worksheet, name) -> int:
    return next(c.row for c in worksheet["B"] if c.value == name)


def _values(sheet) -> dict:
    return {(e.cadre.name, e.indicator.code): e.value for e in ScoreEntry.objects.filter(sheet=sheet)}


@pytest.fixture
def scored(personas, sheet, cadres, indicators):
    """张伟 has 6 on 1.1 (with a note) and 1 on 1.2."""
    services.entries_save(
        based_on_revision=ScoreSheet.objects.get(pk=sheet.pk).revision,
        actor=personas["scorer"],
        sheet=sheet,
        cells=[
            services.Cell(cadres[0].pk, indicators["1.1"].pk, "6", "会议记录"),
            services.Cell(cadres[0].pk, indicators["1.2"].pk, "1"),
        ],
    )
    return sheet


@pytest.mark.django_db
def test_the_template_has_a_row_per_cadre_a_column_per_indicator_and_the_current_values(
    scorer, town, scored, cadres
):
    response = scorer.get(url("sheet_template", town, scored.pk))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = _workbook(response.content)
    data, instructions = workbook.worksheets
    lines = _lines(data)
    assert lines[0] == ["Cadre ID", "Name", "Department or village", "1.1", "1.2", "2.1", "2.2", "2.3"]
    assert data.column_dimensions["A"].hidden
    assert [line[1] for line in lines[1:]] == ["张伟", "王小明", "李娜", "赵强"]
    zhang = lines[1]
    assert zhang[0] == cadres[0].pk
    assert zhang[2] == "党政办公室"
    assert zhang[3:] == [6, 1, None, None, None]
    text = "\n".join(" ".join(str(v) for v in line if v is not None) for line in _lines(instructions))
    assert "1.1" in text and "指标1.1 (党的建设), maximum 10" in text
    assert "Scored by hand, from 0 to 10." in text
    assert "2.1" in text and "4, less 1 per occurrence, at most 4 deducted." in text


@pytest.mark.django_db
def test_a_template_filled_in_imports_back_through_the_grids_service(scorer, personas, town, scored, cadres):
    workbook = _workbook(scorer.get(url("sheet_template", town, scored.pk)).content)
    data = workbook.worksheets[0]
    data.cell(_row(data, "张伟"), _column(data, "1.1"), 9.5)
    data.cell(_row(data, "李娜"), _column(data, "2.2"), 3)
    data.cell(_row(data, "李娜"), _column(data, "2.3"), "80")
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(_save(workbook)))
    assert response.status_code == 302
    assert _values(scored) == {
        ("张伟", "1.1"): Decimal("9.5"),
        ("张伟", "1.2"): Decimal(1),
        ("李娜", "2.2"): Decimal(3),
        ("李娜", "2.3"): Decimal(80),
    }
    assert ScoreEntry.objects.get(cadre=cadres[0], indicator__code="1.1").note == "会议记录"  # kept
    update = AuditEntry.objects.get(action="score.update")
    assert (update.old["value"], update.new["value"]) == ("6.00", "9.5")
    assert update.actor == personas["scorer"]
    assert AuditEntry.objects.filter(action="score.create", object_repr__startswith="李娜").count() == 2
    assert "3 scores imported." in scorer.get(response.url).content.decode()


@pytest.mark.django_db
def test_importing_the_template_unchanged_changes_nothing(scorer, town, scored):
    content = scorer.get(url("sheet_template", town, scored.pk)).content
    before = AuditEntry.objects.count()
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(content), follow=True)
    assert "nothing changed" in response.content.decode()
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_blank_cell_clears_a_score_and_a_missing_column_leaves_its_indicator_alone(
    scorer, town, scored, cadres
):
    workbook = _workbook(scorer.get(url("sheet_template", town, scored.pk)).content)
    data = workbook.worksheets[0]
    data.cell(_row(data, "张伟"), _column(data, "1.1")).value = None
    data.delete_cols(_column(data, "1.2"))
    scorer.post(url("sheet_import", town, scored.pk), _upload(_save(workbook)))
    assert _values(scored) == {("张伟", "1.2"): Decimal(1)}


@pytest.mark.django_db
def test_import_errors_name_the_row_and_column_and_nothing_is_saved(scorer, town, scored, cadres):
    workbook = _workbook(scorer.get(url("sheet_template", town, scored.pk)).content)
    data = workbook.worksheets[0]
    zhang, li = _row(data, "张伟"), _row(data, "李娜")
    data.cell(zhang, _column(data, "2.3"), 50)  # fine, but not saved either
    data.cell(li, _column(data, "1.1"), 11)
    data.cell(li, _column(data, "1.2"), -1)
    data.cell(li, _column(data, "2.1"), "两次")
    data.append([99999, "陌生人", "", 1])
    data.append([cadres[0].pk, "张伟", "", 2])
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(_save(workbook)))
    assert response.status_code == 200
    problems = [(p.row, p.cell, p.message) for p in response.context["result"].problems]
    assert problems == [
        (li, f"D{li}", "The maximum for 1.1 is 10.00."),
        (li, f"E{li}", "A score cannot be negative."),
        (li, f"F{li}", "“两次” is not a number."),
        (6, "A6", "No cadre of this sheet has this ID. Keep the hidden ID column as downloaded."),
        (7, "A7", f"张伟 is already on row {zhang}."),
    ]
    html = response.content.decode()
    assert "Nothing was imported" in html and f"D{li}" in html
    assert _values(scored) == {("张伟", "1.1"): Decimal(6), ("张伟", "1.2"): Decimal(1)}


@pytest.mark.django_db
def test_a_file_without_the_id_column_is_refused_as_a_whole(scorer, town, scored):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "1.1"])
    workbook.active.append(["张伟", 5])
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(_save(workbook)))
    assert "These required columns are missing: Cadre ID." in response.content.decode()


@pytest.mark.django_db
def test_a_submitted_sheet_or_a_closed_month_refuses_an_import(
    scorer, personas, town, period, scored, complete
):
    content = scorer.get(url("sheet_template", town, scored.pk)).content
    services.sheet_move(actor=personas["scorer"], sheet=scored, to=SheetStatus.SUBMITTED)
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(content))
    assert "This score sheet is Submitted" in response.content.decode()
    services.sheet_move(actor=personas["group_leader"], sheet=scored, to=SheetStatus.DRAFT, reason="重填")
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    response = scorer.post(url("sheet_import", town, scored.pk), _upload(content))
    assert "2026-03 is closed" in response.content.decode()


@pytest.mark.django_db
def test_only_the_populations_scorers_may_import(client_for, village_scorer, personas, town, scored):
    content = client_for(personas["scorer"]).get(url("sheet_template", town, scored.pk)).content
    assert (
        client_for(village_scorer).post(url("sheet_import", town, scored.pk), _upload(content)).status_code
        == 403
    )
    assert (
        client_for(personas["assessment_office"]).get(url("sheet_import", town, scored.pk)).status_code == 403
    )


@pytest.mark.django_db
def test_the_import_page_links_the_sheet_to_download(scorer, town, sheet):
    response = scorer.get(url("sheet_import", town, sheet.pk))
    assert response.status_code == 200
    assert url("sheet_template", town, sheet.pk).encode() in response.content
    assert b'enctype="multipart/form-data"' in response.content


@pytest.mark.django_db
def test_the_sheet_columns_check_cells_with_the_grids_rule(sheet, indicators):
    score = importing.Score(indicators["1.2"])
    assert score.parse(1) == Decimal(1)
    with pytest.raises(importing.CellError, match="Enter 1"):
        score.parse(0.5)
    with pytest.raises(importing.CellError):
        score.parse(True)

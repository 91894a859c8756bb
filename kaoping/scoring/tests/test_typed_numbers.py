"""Numbers typed into the score grid and its Excel import, and values stored before they were checked.

Every number goes through `kaoping.core.numbers.parse_number`: what a Chinese office types is read,
the rest is refused with a message before anything reaches the database, and a value too large for
its column that is already stored neither breaks the grid nor stops it being cleared.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaoping.audit.models import AuditEntry

from .. import services
from ..models import ScoreEntry, ScoreSheet
from .conftest import cell, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scorer(client_for, personas):
    return client_for(personas["scorer"])


def _revision(sheet) -> str:
    """The sheet's revision as the grid page carries it: the base of the save."""
    return str(ScoreSheet.objects.get(pk=sheet.pk).revision)


def _values(sheet) -> dict:
    return {(e.cadre.name, e.indicator.code): e.value for e in ScoreEntry.objects.filter(sheet=sheet)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [
        ("1.1", "８．５", Decimal("8.5")),
        ("1.1", "　９　", Decimal(9)),
        ("1.1", "7。5", Decimal("7.5")),
        ("2.1", "３", Decimal(3)),
        ("2.3", "1,250", Decimal(1250)),
    ],
)
def test_the_grid_reads_full_width_digits_and_blanks_as_a_chinese_office_types_them(
    scorer, town, sheet, cadres, indicators, code, typed, stored
):
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {cell(cadres[0], indicators[code]): typed, "revision": _revision(sheet)},
    )
    assert response.status_code == 302
    assert _values(sheet) == {("张伟", code): stored}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567890123", "“1234567890123” is too large: at most 9999999999.99."),
        ("12345678901234567890123456789", "is too large: at most 9999999999.99."),
        ("1e30", "“1e30” is written with an exponent; write the number out in full."),
        ("1E+29", "“1E+29” is written with an exponent"),
        ("1e309", "“1e309” is written with an exponent"),
        ("NaN", "“NaN” is not a number."),
        ("Infinity", "“Infinity” is not a number."),
        ("1_0", "“1_0” is not a number."),
        ("٣", "uses digits other than 0–9"),
        ("1,5", "a comma may only separate groups of three digits"),
    ],
)
def test_the_grid_refuses_what_is_not_a_number_the_column_holds_with_a_message(
    scorer, town, sheet, cadres, indicators, typed, message
):
    response = scorer.post(
        url("sheet_save", town, sheet.pk),
        {cell(cadres[0], indicators["2.1"]): typed, "revision": _revision(sheet)},
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "Nothing was saved: 1 cell needs fixing." in html
    assert message in html
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567890123", "too large"),
        ("1e30", "is written with an exponent"),
        ("٣", "uses digits other than 0–9"),
        ("NaN", "is not a number"),
    ],
)
def test_the_service_refuses_what_is_not_a_number_the_column_holds_whoever_calls_it(
    personas, sheet, cadres, indicators, typed, message
):
    with pytest.raises(services.DomainError) as refused:
        services.entries_save(
            actor=personas["scorer"],
            sheet=sheet,
            cells=[services.Cell(cadres[0].pk, indicators["2.1"].pk, typed)],
        )
    assert message in refused.value.errors[0]
    assert not ScoreEntry.objects.exists()


@pytest.fixture(params=["1234567890123", "1e30", "9e999"], ids=["13-digits", "1e30", "infinite"])
def bricked(request, personas, sheet, cadres, indicators, db):
    """张伟 has 2 on 2.1, then a 13-digit value written past the service, as SQLite kept it."""
    services.entries_save(
        actor=personas["scorer"],
        sheet=sheet,
        cells=[services.Cell(cadres[0].pk, indicators["2.1"].pk, "2")],
        based_on_revision=sheet.revision,
    )
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses to store a number past its column's digits")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE scoring_scoreentry SET value = {request.param} WHERE sheet_id = %s", [sheet.pk]
        )
    return sheet


@pytest.mark.django_db
def test_a_stored_value_too_large_for_its_column_is_shown_as_refused_and_can_be_cleared(
    scorer, town, bricked, cadres, indicators
):
    grid = scorer.get(url("sheet_grid", town, bricked.pk))
    assert grid.status_code == 200
    html = grid.content.decode()
    assert "This value is too large: at most 9999999999.99." in html
    assert scorer.get(url("sheet_template", town, bricked.pk)).status_code == 200
    response = scorer.post(
        url("sheet_save", town, bricked.pk),
        {cell(cadres[0], indicators["2.1"]): "", "revision": _revision(bricked)},
    )
    assert response.status_code == 302
    assert not ScoreEntry.objects.exists()
    assert AuditEntry.objects.filter(action="score.delete").count() == 1


def _workbook(scorer, town, sheet):
    content = scorer.get(url("sheet_template", town, sheet.pk)).content
    return openpyxl.load_workbook(io.BytesIO(content))


def _upload(workbook) -> dict:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {
        "file": SimpleUploadedFile("scores.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    }


def _column(worksheet, header) -> int:
    return next(c.column for c in worksheet[1] if c.value == header)


def _row(worksheet, name) -> int:
    return next(c.row for c in worksheet["B"] if c.value == name)


@pytest.mark.django_db
def test_indicator_codes_that_excel_turned_into_numbers_still_name_their_columns(scorer, town, sheet, cadres):
    workbook = _workbook(scorer, town, sheet)
    data = workbook.worksheets[0]
    zhang = _row(data, "张伟")
    data.cell(zhang, _column(data, "1.1"), 7)
    data.cell(zhang, _column(data, "2.1"), "２")
    for header in data[1]:
        if header.value in ("1.1", "1.2", "2.1", "2.2", "2.3"):
            header.value = float(header.value)  # as a CSV opened in Excel or LibreOffice has it
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(workbook))
    assert response.status_code == 302
    assert _values(sheet) == {("张伟", "1.1"): Decimal(7), ("张伟", "2.1"): Decimal(2)}


@pytest.mark.django_db
def test_a_column_the_sheet_does_not_know_is_reported_and_nothing_is_imported(scorer, town, sheet, cadres):
    workbook = _workbook(scorer, town, sheet)
    data = workbook.worksheets[0]
    zhang = _row(data, "张伟")
    data.cell(zhang, _column(data, "1.1"), 7)
    data.cell(1, 9, 3.1)  # an indicator this scheme does not have
    data.cell(zhang, 9, 5)
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(workbook))
    assert response.status_code == 200
    problems = [(p.cell, p.message) for p in response.context["result"].problems]
    assert problems == [
        (
            "I1",
            "No indicator of this sheet has the number “3.1”. Correct the header, or delete the column "
            "if it holds no scores.",
        )
    ]
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
def test_a_percentage_cell_is_read_as_the_percentage_shown_in_a_completion_column_and_refused_elsewhere(
    scorer, town, sheet, cadres
):
    workbook = _workbook(scorer, town, sheet)
    data = workbook.worksheets[0]
    zhang = _row(data, "张伟")
    completion = data.cell(zhang, _column(data, "2.3"), 0.95)  # typed as 95%: target 100
    completion.number_format = "0%"
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(workbook))
    assert response.status_code == 302
    assert _values(sheet) == {("张伟", "2.3"): Decimal(95)}

    manual = data.cell(zhang, _column(data, "1.1"), 0.08)
    manual.number_format = "0.00%"
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(workbook))
    assert response.status_code == 200
    [problem] = response.context["result"].problems
    assert problem.value == "8%"
    assert "“8%” is a percentage, but 1.1 is not scored as a percentage of 100" in problem.message
    assert _values(sheet) == {("张伟", "2.3"): Decimal(95)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell_value", "message"),
    [
        (1e30, "is too large: at most 9999999999.99."),
        ("1E+29", "is written with an exponent"),
        (1234567890123, "“1234567890123” is too large"),
    ],
)
def test_the_import_refuses_numbers_the_column_cannot_hold(scorer, town, sheet, cadres, cell_value, message):
    workbook = _workbook(scorer, town, sheet)
    data = workbook.worksheets[0]
    data.cell(_row(data, "张伟"), _column(data, "2.1"), cell_value)
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(workbook))
    assert response.status_code == 200
    [problem] = response.context["result"].problems
    assert message in problem.message
    assert not ScoreEntry.objects.exists()

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
from ..models import ScoreEntry
from .conftest import cell, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def scorer(client_for, personas):
    return client_for(personas["scorer"])


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
    response = scorer.post(url("sheet_save", town, sheet.pk), {cell(cadres[0], indicators[code]): typed})
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
        url("sheet_save", town, sheet.pk), {cell(cadres[0], indicators["2.1"]): typed}
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "Nothing was saved: 1 cell needs fixing." in html
    assert message in html
    assert not ScoreEntry.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_number_too_long_for_the_column_whoever_calls_it(
    personas, sheet, cadres, indicators
):
    with pytest.raises(services.DomainError) as refused:
        services.entries_save(
            actor=personas["scorer"],
            sheet=sheet,
            cells=[services.Cell(cadres[0].pk, indicators["2.1"].pk, "1234567890123")],
        )
    assert "too large" in refused.value.errors[0]
    assert not ScoreEntry.objects.exists()



@pytest.fixture(params=["1234567890123", "1e30", "9e999"], ids=["13-digits", "1e30", "infinite"])
def bricked(request, personas, sheet, cadres, indicators, db):
    """张伟 has 2 on 2.1, then a 13-digit value written past the service, as SQLite kept it."""
    services.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=[services.Cell(cadres[0].pk, indicators["2.1"].pk, "2")]
    )
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses to store a number past its column's digits")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE scoring_scoreentry SET value = {request.param} WHERE sheet_id = %s", [sheet.pk])
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
    response = scorer.post(url("sheet_save", town, bricked.pk), {cell(cadres[0], indicators["2.1"]): ""})
    assert response.status_code == 302
    assert not ScoreEntry.objects.exists()
    assert AuditEntry.objects.filter(action="score.delete").count() == 1

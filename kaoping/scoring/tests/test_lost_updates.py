"""Saves carry the version they were based on: a cell changed meanwhile is refused with the other
person's value, on the grid, by an Excel import, and in a true race of two saves."""

import io
import threading
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections

from kaoping.core.errors import DomainError

from .. import importing, services
from ..models import ScoreEntry, ScoreSheet
from .conftest import cell, url


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _entry(sheet, cadre, indicator) -> ScoreEntry:
    return ScoreEntry.objects.get(sheet=sheet, cadre=cadre, indicator=indicator)


def _save(user, sheet, cadre, indicator, value, version):
    return services.entries_save(
        actor=user, sheet=sheet, cells=[services.Cell(cadre.pk, indicator.pk, value, "", version)]
    )


@pytest.mark.django_db
def test_a_save_based_on_an_older_version_is_refused_with_the_other_persons_value(
    personas, sheet, cadres, indicators
):
    zhang, manual = cadres[0], indicators["1.1"]
    _save(personas["scorer"], sheet, zhang, manual, "6", 0)
    loaded = _entry(sheet, zhang, manual).version  # the scorer's page is loaded here
    _save(personas["group_leader"], sheet, zhang, manual, "8", loaded)  # the leader's correction
    with pytest.raises(services.StaleSave, match="1 cell was changed by someone else") as caught:
        _save(personas["scorer"], sheet, zhang, manual, "7", loaded)
    (conflict,) = caught.value.conflicts
    assert (conflict.value, conflict.by) == ("8", "group_leader")
    assert _entry(sheet, zhang, manual).value == 8


@pytest.mark.django_db
def test_a_cell_cleared_and_filled_again_meanwhile_is_still_a_conflict(personas, sheet, cadres, indicators):
    zhang, manual = cadres[0], indicators["1.1"]
    _save(personas["scorer"], sheet, zhang, manual, "6", 0)
    loaded = _entry(sheet, zhang, manual).version
    _save(personas["group_leader"], sheet, zhang, manual, None, loaded)
    _save(personas["group_leader"], sheet, zhang, manual, "9", 0)
    with pytest.raises(services.StaleSave):
        _save(personas["scorer"], sheet, zhang, manual, "7", loaded)
    with pytest.raises(DomainError):
        _save(personas["scorer"], sheet, zhang, manual, "7", None)  # a save with no base at all


@pytest.mark.django_db
def test_the_grid_refuses_a_stale_save_and_shows_the_other_value_next_to_the_cell(
    client_for, personas, town, sheet, cadres, indicators
):
    zhang, manual = cadres[0], indicators["1.1"]
    scorer = client_for(personas["scorer"])
    scorer.post(url("sheet_save", town, sheet.pk), {"revision": "0", cell(zhang, manual): "6"})
    version = str(_entry(sheet, zhang, manual).version)
    page = scorer.get(url("sheet_grid", town, sheet.pk)).content.decode()
    assert f'name="{cell(zhang, manual)}" value="6" inputmode="decimal" data-v="{version}"' in page
    client_for(personas["group_leader"]).post(
        url("sheet_save", town, sheet.pk), {cell(zhang, manual): "8", f"r-{zhang.pk}-{manual.pk}": version}
    )
    response = scorer.post(
        url("sheet_save", town, sheet.pk), {cell(zhang, manual): "7", f"r-{zhang.pk}-{manual.pk}": version}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 cell was changed by someone else after you loaded it" in html
    assert "group_leader changed this cell to “8” after you loaded it." in html
    assert 'data-theirs="8"' in html and "Take their value" in html
    assert _entry(sheet, zhang, manual).value == 8
    # Without the script, the page's revision is the base: a page older than the change is refused too.
    scorer.post(url("sheet_save", town, sheet.pk), {"revision": "1", cell(zhang, manual): "5"})
    assert _entry(sheet, zhang, manual).value == 8


def _upload(content: bytes):
    return {"file": SimpleUploadedFile("scores.xlsx", content, content_type="application/octet-stream")}


@pytest.mark.django_db
def test_an_excel_file_downloaded_before_a_change_on_the_grid_cannot_overwrite_it(
    client_for, personas, town, sheet, cadres, indicators
):
    zhang, manual = cadres[0], indicators["1.1"]
    _save(personas["scorer"], sheet, zhang, manual, "6", 0)
    scorer = client_for(personas["scorer"])
    template = scorer.get(url("sheet_template", town, sheet.pk)).content
    _save(personas["group_leader"], sheet, zhang, manual, "8", _entry(sheet, zhang, manual).version)
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    scores = workbook.worksheets[0]
    row = next(c.row for c in scores["B"] if c.value == zhang.name)
    column = next(c.column for c in scores[1] if c.value == "1.1")
    scores.cell(row=row, column=column, value=7)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = scorer.post(url("sheet_import", town, sheet.pk), _upload(buffer.getvalue()))
    html = response.content.decode()
    assert "changed by someone else" in html and "张伟 · 1.1 is now “8” (changed by group_leader)." in html
    assert _entry(sheet, zhang, manual).value == 8


@pytest.mark.django_db
def test_an_excel_file_that_does_not_say_when_it_was_downloaded_is_refused(personas, sheet, cadres):
    content = importing.sheet_template(ScoreSheet.objects.select_related("period", "scheme").get(pk=sheet.pk))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    workbook.custom_doc_props.props = []
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DomainError, match="does not say when it was downloaded"):
        importing.sheet_import(actor=personas["scorer"], sheet=sheet, file=buffer.getvalue())


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_cell_at_the_same_moment_one_is_refused(personas, sheet, cadres, indicators):
    """A true race (PostgreSQL runs both at once): both were loaded with the empty cell, one wins."""
    zhang, manual = cadres[0], indicators["1.1"]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, value: str) -> None:
        try:
            start.wait()
            for _attempt in range(500):
                try:
                    _save(user, sheet, zhang, manual, value, 0)
                    break
                except OperationalError as exc:  # SQLite's in-memory test database: wait here
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("saved")
        except services.StaleSave:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(personas["scorer"], "6")),
        threading.Thread(target=save, args=(personas["group_leader"], "8")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert ScoreEntry.objects.filter(sheet=sheet).count() == 1

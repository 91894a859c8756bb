"""The supervision-item import page reads dates and owners' names as registers write them.

Dates typed as numbers or in full-width digits are read; implausible dates are refused; a name padded
with a full-width space is one person; every problem names its row and column.
"""

import io
from datetime import date

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping import testing
from kaoping.supervision.models import Item

pytestmark = pytest.mark.django_db

HEADER = ["来源", "事项", "责任人", "交办日期", "办结时限"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _march_2026():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["supervision_office"])


@pytest.fixture
def qu_xin(town):
    return testing.make_cadre(town, "曲鑫", 41)


def _upload(*rows) -> dict:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    return {"file": SimpleUploadedFile("items.xlsx", content, content_type="application/octet-stream")}


def _post(office, town, *rows):
    return office.post(reverse("supervision:item_import", args=[town.slug]), _upload(*rows))


@pytest.mark.parametrize(
    ("assigned", "deadline"),
    [
        (20260305, 20260320),
        ("２０２６年３月５日", "２０２６年３月２０日"),
        ("2026.3.5", "20260320"),
        (46086, 46101),  # Excel serials of 2026-03-05 and 2026-03-20
    ],
)
def test_dates_typed_as_numbers_or_in_full_width_digits_are_read(office, town, qu_xin, assigned, deadline):
    response = _post(office, town, ["两委会分办", "河道清理", "曲鑫", assigned, deadline])
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.assigned_on, item.deadline) == (date(2026, 3, 5), date(2026, 3, 20))


@pytest.mark.parametrize(
    ("assigned", "message"),
    [
        (0, "“0” is not a date"),
        (1, "1900-01-01 is not a plausible date here: write a date from 2000-01-01 to 2036-12-31."),
        ("1900-01-01", "1900-01-01 is not a plausible date here"),
        ("9999-12-31", "9999-12-31 is not a plausible date here"),
        (99999999, "“99999999” is not a date"),
        ("2026-02-30", "“2026-02-30” is not a date"),
    ],
)
def test_an_implausible_date_is_refused_naming_its_row_and_column(office, town, qu_xin, assigned, message):
    response = _post(
        office,
        town,
        ["两委会分办", "河道清理", "曲鑫", "2026-03-05", "2026-03-20"],
        ["两委会分办", "秸秆禁烧", "曲鑫", assigned, "2026-03-20"],
    )
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert (problem.row, problem.cell) == (3, "D3")
    assert message in problem.message
    assert not Item.objects.exists()


def test_a_name_padded_with_a_full_width_space_is_one_person(office, town, qu_xin):
    li = testing.make_cadre(town, "李娜", 42)
    response = _post(office, town, ["两委会分办", "河道清理", "曲　鑫 李娜", "2026-03-05", "2026-03-20"])
    assert response.status_code == 302, response.context["problems"]
    assert {o.cadre for o in Item.objects.get().owners.all()} == {qu_xin, li}


def _upload_with_header(header, *rows) -> dict:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {
        "file": SimpleUploadedFile("items.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    }


def test_a_column_the_template_does_not_have_is_reported_and_nothing_is_imported(office, town, qu_xin):
    response = office.post(
        reverse("supervision:item_import", args=[town.slug]),
        _upload_with_header(
            [*HEADER, "督办级别"], ["两委会分办", "河道清理", "曲鑫", "2026-03-05", "2026-03-20", "重点"]
        ),
    )
    assert response.status_code == 200
    [problem] = response.context["problems"]
    assert (problem.row, problem.cell, problem.column) == (1, "F1", "督办级别")
    assert "not one of the template's" in problem.message
    assert not Item.objects.exists()


def test_the_unknown_column_is_named_in_chinese_for_a_chinese_user(office, town, qu_xin, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = office.post(
        reverse("supervision:item_import", args=[town.slug]),
        _upload_with_header(
            [*HEADER, "备注"], ["两委会分办", "河道清理", "曲鑫", "2026-03-05", "2026-03-20", "x"]
        ),
        headers={"accept-language": "zh-hans"},
    )
    [problem] = response.context["problems"]
    assert problem.cell == "F1" and "备注" in problem.message and "模板" in problem.message
    assert not Item.objects.exists()


def test_the_import_says_how_many_items_it_imported_one_or_more(office, town, qu_xin):
    def said(*rows) -> list[str]:
        board = office.get(_post(office, town, *rows)["Location"])  # where the message is shown
        return [str(m) for m in board.context["messages"]]

    row = ["两委会分办", "河道清理", "曲鑫", "2026-03-05", "2026-03-20"]
    assert said(row) == ["1 item imported."]
    assert said(row, ["两委会分办", "秸秆禁烧", "曲鑫", "2026-03-05", "2026-03-20"]) == ["2 items imported."]

"""The cadre import page reads ID and phone numbers and names as registers write them, and its
messages say which sheet was read and show long numbers as Excel showed them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping import testing
from kaoping.people.models import Cadre

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "ID number",
    "Mobile phone",
    "Population",
    "Agency-cadre category",
    "Position",
    "Department",
]
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["assessment_office"])


def _post(office, town, *rows, header=HEADER, title="Cadres"):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = title
    worksheet.append(header)
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("cadres.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    return office.post(reverse("people:cadre_import", kwargs={"town": town.slug}), {"file": upload})


def _agency(name, id_number, phone=""):
    return [name, id_number, phone, "Agency cadre", "Established staff", "科员", "党政办公室"]


def test_full_width_digits_in_id_and_phone_numbers_are_read_as_digits(office, town):
    id_number = testing.id_number(7)
    response = _post(office, town, _agency("赵敏", id_number.translate(WIDE), "１３８ ００００ ００００"))
    assert response.status_code == 302
    cadre = Cadre.objects.get(name="赵敏")
    assert (cadre.id_number, cadre.phone) == (id_number, "13800000000")


def test_a_name_padded_with_blanks_is_stored_as_one_word(office, town):
    response = _post(
        office, town, _agency("曲　鑫", testing.id_number(8)), _agency(" 王 芳 ", testing.id_number(9))
    )
    assert response.status_code == 302
    assert Cadre.objects.filter(name__in=["曲鑫", "王芳"]).count() == 2


def test_digits_of_other_scripts_are_refused_in_an_id_number(office, town):
    id_number = testing.id_number(7)
    arabic = id_number[:-2] + "٣" + id_number[-1]
    response = _post(office, town, _agency("赵敏", arabic))
    assert response.status_code == 200
    assert [p.cell for p in response.context["result"].problems] == ["B2"]
    assert not Cadre.objects.filter(name="赵敏").exists()


def test_a_long_number_excel_rounded_is_shown_as_excel_showed_it(office, town):
    response = _post(office, town, _agency("赵敏", 370783197003198016))
    assert response.status_code == 200
    [problem] = response.context["result"].problems
    assert problem.value == "370783197003198000"
    assert "370783197003198016" not in response.content.decode()


def test_a_sheet_without_a_header_row_is_named(office, town):
    response = _post(office, town, ["赵敏"], header=["2026年干部名册"], title="名册")
    assert response.status_code == 200
    assert "No header row was found in the sheet “名册”" in response.content.decode()

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.people.models import Cadre, Population


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _url(name, town, **query):
    url = reverse(f"people:{name}", kwargs={"town": town.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _upload(content, name="cadres.xlsx"):
    return {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}


def _sheet(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(["Name", "ID number", "Population", "Agency-cadre category", "Position", "Department"])
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _agency(name, serial, department="党政办公室"):
    return [name, testing.id_number(serial), "Agency cadre", "Established staff", "科员", department]


def _rows(content) -> list[dict]:
    worksheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    lines = [[c.value for c in line] for line in worksheet.iter_rows()]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["assessment_office"])


@pytest.mark.django_db
def test_the_import_page_explains_the_steps_and_links_the_template(office, town):
    response = office.get(_url("cadre_import", town))
    assert response.status_code == 200
    assert _url("cadre_import_template", town).encode() in response.content
    assert b'enctype="multipart/form-data"' in response.content
    assert "党政办公室" in response.content.decode()


@pytest.mark.django_db
def test_a_good_file_imports_every_row_and_says_how_many(office, town):
    before = Cadre.objects.count()
    response = office.post(
        _url("cadre_import", town), _upload(_sheet(_agency("赵敏", 1), _agency("钱进", 2)))
    )
    assert response.status_code == 302
    assert response.url == _url("cadre_list", town)
    assert Cadre.objects.count() == before + 2
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 cadres imported."]
    assert AuditEntry.objects.filter(action="cadre.create").count() == 2


@pytest.mark.django_db
def test_a_file_with_bad_rows_imports_nothing_and_lists_every_problem(office, town):
    before = Cadre.objects.count()
    content = _sheet(_agency("赵敏", 1), _agency("钱进", 2, "财务室"), _agency("孙丽", 1), ["", "x"])
    response = office.post(_url("cadre_import", town), _upload(content))
    assert response.status_code == 200
    problems = response.context["result"].problems
    assert sorted({p.row for p in problems}) == [3, 4, 5]
    html = response.content.decode()
    assert "财务室" in html and "This ID number is already on row 2." in html and "F3" in html
    assert Cadre.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name,id\n", "cadres.csv", ".xlsx"),
        (b"PK\x03\x04garbage", "cadres.xlsx", "damaged"),
        (_sheet(), "cadres.xlsx", "no data"),
        (b"", "cadres.xlsx", "submitted file is empty"),
    ],
)
def test_an_unusable_file_is_refused_with_a_message_and_changes_nothing(office, town, content, name, message):
    before = Cadre.objects.count()
    response = office.post(_url("cadre_import", town), _upload(content, name))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert Cadre.objects.count() == before


@pytest.mark.django_db
def test_the_template_downloads_with_the_town_s_names_and_imports_once_filled(office, town):
    response = office.get(_url("cadre_import_template", town))
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert 'filename="xiacun-cadre-import-template.xlsx"' in disposition and "夏村镇" in disposition
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    assert workbook["Lists"]["H2"].value == "党政办公室"
    assert "H2:H1001" in {str(v.sqref) for v in data.data_validations.dataValidation}
    data.append(
        [
            "赵敏",
            "Female",
            testing.id_number(1),
            "",
            "Agency cadre",
            "Established staff",
            "科员",
            "党政办公室",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = office.post(_url("cadre_import", town), _upload(buffer.getvalue()))
    assert response.status_code == 302
    assert Cadre.objects.get(id_number=testing.id_number(1)).gender == "female"


@pytest.mark.django_db
def test_an_export_imports_into_another_town(office, town, other_town, personas, client_for):
    testing.make_cadre(town, "李娜", 2, Population.VILLAGE, is_village_head=True)
    exported = office.get(_url("cadre_export", town)).content
    other = client_for(personas["other_town_admin"])
    response = other.post(_url("cadre_import", other_town), _upload(exported))
    assert response.status_code == 302
    assert set(other_town.cadres.values_list("name", flat=True)) == {"王小明", "李娜"}


@pytest.mark.django_db
def test_the_export_shows_personal_data_only_to_those_allowed_it(office, town, personas, client_for):
    full = _rows(office.get(_url("cadre_export", town)).content)
    assert full[0]["ID number"] == testing.id_number(900)
    scorer = client_for(personas["scorer"])
    response = scorer.get(_url("cadre_export", town))
    assert response.status_code == 200
    masked = _rows(response.content)
    assert masked[0]["ID number"] == "370183********" + testing.id_number(900)[-4:]


@pytest.mark.django_db
def test_the_export_honours_the_list_filters_and_names_the_file_by_town_and_date(office, town):
    testing.make_cadre(town, "李娜", 2, Population.VILLAGE)
    response = office.get(_url("cadre_export", town, population="village"))
    assert [row["Name"] for row in _rows(response.content)] == ["李娜"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert 'filename="xiacun-cadres-2' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cadre_import", "cadre_import_template"])
def test_importing_needs_the_right_to_manage_people(client_for, personas, town, name):
    assert client_for(personas["scorer"]).get(_url(name, town)).status_code == 403
    assert client_for(personas["cadre"]).post(_url(name, town)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cadre_import", "cadre_import_template", "cadre_export"])
def test_another_town_s_users_get_not_found(client_for, personas, town, name):
    assert client_for(personas["other_town_admin"]).get(_url(name, town)).status_code == 404


@pytest.mark.django_db
def test_a_scorer_s_upload_changes_nothing(client_for, personas, town):
    before = Cadre.objects.count()
    response = client_for(personas["scorer"]).post(
        _url("cadre_import", town), _upload(_sheet(_agency("赵敏", 1)))
    )
    assert response.status_code == 403
    assert Cadre.objects.count() == before


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, town):
    assert client.get(_url("cadre_export", town)).status_code == 302

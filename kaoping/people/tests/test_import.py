import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.core.spreadsheets import SpreadsheetError
from kaoping.people import importing, services
from kaoping.people.models import AgencyCategory, Cadre, Department, Population, Posting, Village
from kaoping.testing import in_english  # noqa: F401 (fixtures)

HEADERS = [
    "Name",
    "Gender",
    "ID number",
    "Mobile phone",
    "Population",
    "Agency-cadre category",
    "Position",
    "Department",
    "Village",
    "Middle-level cadre",
    "Village head",
]
CHINESE_HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "手机号",
    "人群类别",
    "机关干部类别",
    "职务",
    "部门",
    "村",
    "中层干部",
    "村委主要负责人",
]


def _agency_in_chinese(name, gender, serial, phone):
    """An established agency cadre of the Party and government office, a row under CHINESE_HEADERS."""
    return [
        name,
        gender,
        testing.id_number(serial),
        phone,
        "机关干部",
        "在编人员",
        "科员",
        "党政办公室",
        "",
        "否",
        "否",
    ]


def _agency(serial, **overrides):
    row = {
        "Name": f"干部{serial}",
        "Gender": "Male",
        "ID number": testing.id_number(serial),
        "Mobile phone": "13800000000",
        "Population": "Agency cadre",
        "Agency-cadre category": "Established staff",
        "Position": "科员",
        "Department": "党政办公室",
        "Village": "",
        "Middle-level cadre": "No",
        "Village head": "No",
    }
    row.update(overrides)
    return row


def _villager(serial, village="东村", **overrides):
    return _agency(
        serial,
        Population="Village cadre",
        Village=village,
        Department="",
        Position="村委委员",
        **{"Agency-cadre category": ""},
        **overrides,
    )


def _xlsx(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append([row.get(h, "") for h in HEADERS] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def actor(personas):
    return personas["assessment_office"]


@pytest.mark.django_db
def test_a_good_file_creates_every_cadre_and_audits_each_and_the_import(town, actor):
    before = Cadre.objects.filter(town=town).count()
    content = _xlsx(
        [
            _agency(1, **{"ID number": testing.id_number(1).lower(), "Middle-level cadre": "Yes"}),
            _villager(2, **{"Village head": "是", "Gender": "Female"}),
            _agency(3, Population="Leadership member", Department="", **{"Agency-cadre category": ""}),
        ]
    )
    result = importing.cadre_import(actor=actor, town=town, file=content, filename="名单.xlsx")
    assert result.ok and len(result.created) == 3
    assert Cadre.objects.filter(town=town).count() == before + 3
    first = Cadre.objects.get(id_number=testing.id_number(1))
    assert first.department.name == "党政办公室" and first.is_middle_level
    assert first.agency_category == AgencyCategory.ESTABLISHED
    head = Cadre.objects.get(id_number=testing.id_number(2))
    assert (head.village.name, head.is_village_head, head.gender) == ("东村", True, "female")
    entries = AuditEntry.objects.filter(action="cadre.create", note="名单.xlsx")
    assert sorted(int(e.object_id) for e in entries) == sorted(c.pk for c in result.created)
    summary = AuditEntry.objects.get(action="cadre.import")
    assert summary.new == {"file": "名单.xlsx", "count": 3} and summary.actor == actor


@pytest.mark.django_db
def test_a_file_with_bad_rows_changes_nothing_and_reports_each_by_row(town, actor):
    Department.objects.create(town=town, name="旧站所", is_active=False)
    testing.make_cadre(town, "李村长", 50, Population.VILLAGE, is_village_head=True)
    Village.objects.create(town=town, name="西村")
    before = (Cadre.objects.count(), AuditEntry.objects.count())
    content = _xlsx(
        [
            _agency(1),  # row 2: fine
            _agency(2, Department="财务室"),  # 3: unknown department
            _agency(3, **{"ID number": testing.id_number(1)}),  # 4: same ID number as row 2
            _agency(4, **{"ID number": testing.id_number(50)}),  # 5: ID number of a cadre of the town
            _agency(5, Population=""),  # 6: population missing
            _agency(6, **{"ID number": testing.id_number(6)[:-1] + "0"}),  # 7: wrong check character
            _villager(7, **{"Village head": "Yes"}),  # 8: 东村 has a head already
            _agency(8, **{"Agency-cadre category": ""}),  # 9: agency cadre without a category
            _agency(9, Department="旧站所"),  # 10: inactive department
            _villager(10, "西村", **{"Village head": "Y"}),  # 11: fine alone...
            _villager(11, "西村", **{"Village head": "Y"}),  # 12: ...but 西村 gets two heads
        ]
    )
    result = importing.cadre_import(actor=actor, town=town, file=content)
    assert not result.ok and result.created == []
    assert [(p.row, p.key) for p in result.problems] == [
        (3, "department"),
        (4, "id_number"),
        (5, "id_number"),
        (6, "population"),
        (7, "id_number"),
        (8, "is_village_head"),
        (9, "agency_category"),
        (10, "department"),
        (12, "is_village_head"),
    ]
    messages = {p.row: p.message for p in result.problems}
    assert "财务室" in messages[3] and "row 2" in messages[4] and "李村长" in messages[5]
    assert "no longer active" in messages[10] and "Row 11" in messages[12]
    assert {p.row: p.cell for p in result.problems}[3] == "H3"
    assert (Cadre.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_chinese_headers_and_chinese_values_import(town, actor):
    content = _xlsx(
        [_agency_in_chinese("赵敏", "女", 7, 13912345678)],
        headers=CHINESE_HEADERS,
    )
    result = importing.cadre_import(actor=actor, town=town, file=content)
    assert result.ok
    (cadre,) = result.created
    assert (cadre.gender, cadre.phone, cadre.population) == ("female", "13912345678", Population.AGENCY)


@pytest.mark.django_db
def test_a_cell_that_cannot_be_read_is_reported_once(town, actor):
    content = _xlsx([_agency(1, Population="Mayor", **{"Mobile phone": "12345"})])
    result = importing.cadre_import(actor=actor, town=town, file=content)
    assert [(p.row, p.key) for p in result.problems] == [(2, "phone"), (2, "population")]
    assert "11-digit" in result.problems[0].message and "Agency cadre" in result.problems[1].message


@pytest.mark.django_db
def test_checking_a_file_takes_the_same_number_of_queries_for_10_or_200_rows(town, actor):
    def queries(count):
        content = _xlsx([_agency(i, Department="没有这个部门") for i in range(count)])
        with CaptureQueriesContext(connection) as context:
            result = importing.cadre_import(actor=actor, town=town, file=content)
        # Every row was read and checked: each one's unknown department is reported, on its own row.
        assert [(p.row, p.key) for p in result.problems] == [
            (row, "department") for row in range(2, count + 2)
        ]
        assert all("没有这个部门" in p.message for p in result.problems)
        assert not Cadre.objects.filter(name__startswith="干部").exists()
        return len(context)

    assert queries(10) == queries(200)


@pytest.mark.django_db
def test_an_unreadable_file_raises_a_clear_error_and_changes_nothing(town, actor):
    before = Cadre.objects.count()
    with pytest.raises(SpreadsheetError, match=".xlsx"):
        importing.cadre_import(actor=actor, town=town, file=b"name,id\n")
    with pytest.raises(SpreadsheetError, match="missing: ID number"):
        importing.cadre_import(actor=actor, town=town, file=_xlsx([["张伟"]], headers=["Name"]))
    assert Cadre.objects.count() == before


@pytest.mark.django_db
def test_a_clash_the_checks_missed_rolls_the_whole_import_back(town, actor, monkeypatch):
    # Another user adds a cadre with the same ID number between the checks and the writes.
    testing.make_cadre(town, "抢先者", 2)
    monkeypatch.setattr(services, "town_roster", lambda town: services.Roster({}, {}))
    before = (Cadre.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError, match="nothing was imported"):
        importing.cadre_import(actor=actor, town=town, file=_xlsx([_agency(1), _agency(2)]))
    assert (Cadre.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_the_roster_gives_the_same_answers_as_the_form_s_queries(town):
    testing.make_cadre(town, "李村长", 50, Population.VILLAGE, is_village_head=True)
    village = town.villages.get()
    data = services.CadreData(
        name="新人",
        id_number=testing.id_number(50),
        population=Population.VILLAGE,
        position="村委委员",
        village=village,
        is_village_head=True,
    )
    queried = services.cadre_problems(town=town, data=data)
    assert set(queried) == {"id_number", "is_village_head"}
    assert services.cadre_problems(town=town, data=data, roster=services.town_roster(town)) == queried


@pytest.mark.django_db
def test_an_export_imports_into_another_town(town, other_town, actor):
    testing.make_cadre(town, "张伟", 1, phone="13800000001", is_middle_level=True)
    testing.make_cadre(town, "李娜", 2, Population.VILLAGE, is_village_head=True, gender="female")
    testing.make_cadre(town, "王强", 3, Population.LEADERSHIP, position="副镇长")
    cadres = Cadre.objects.filter(town=town).with_workplace()
    content = importing.cadre_export(actor=actor, town=town, cadres=cadres, personal=True)
    result = importing.cadre_import(actor=actor, town=other_town, file=content)
    assert result.ok

    def facts(cadre):
        workplace = cadre.workplace.name if cadre.workplace else ""
        fields = [
            getattr(cadre, name) for name in services.CADRE_FIELDS if name not in ("department", "village")
        ]
        return (*fields, workplace)

    assert sorted(map(facts, result.created)) == sorted(map(facts, cadres))


@pytest.mark.django_db
def test_an_export_masks_personal_data_unless_allowed_and_is_audited(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1, phone="13812345678")
    cadres = Cadre.objects.filter(pk=cadre.pk).with_workplace()
    content = importing.cadre_export(actor=actor, town=town, cadres=cadres, personal=False)
    worksheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in worksheet[1]]
    row = dict(zip(header, [c.value for c in worksheet[2]], strict=True))
    assert row["ID number"] == "370183********" + testing.id_number(1)[-4:]
    assert row["Mobile phone"] == "138****5678"
    assert (row["Population"], row["Status"], row["Middle-level cadre"]) == (
        "Agency cadre",
        "In service",
        "No",
    )
    entry = AuditEntry.objects.get(action="cadre.export")
    assert entry.new == {"count": 1, "personal_data": False}


@pytest.mark.django_db
def test_a_column_the_template_does_not_have_is_reported_with_its_cell_and_nothing_is_imported(town, actor):
    before = Cadre.objects.filter(town=town).count()
    headers = [*HEADERS, "Remarks"]
    content = _xlsx([[*_agency(1).values(), "调入"], [*_agency(2).values(), ""]], headers=headers)
    result = importing.cadre_import(actor=actor, town=town, file=content)
    assert not result.ok
    [problem] = result.problems
    assert (problem.row, problem.cell, problem.column) == (1, "L1", "Remarks")
    assert "not one of the template's" in problem.message
    assert Cadre.objects.filter(town=town).count() == before
    assert not AuditEntry.objects.filter(action="cadre.import").exists()


@pytest.mark.django_db
def test_an_export_gives_each_cadre_the_first_day_of_their_current_posting(town, other_town, actor):
    cadre = testing.make_cadre(town, "张伟", 1)
    Posting.objects.filter(cadre=cadre).update(starts_on=date(2025, 3, 1))
    data = services.CadreData(**{name: getattr(cadre, name) for name in services.CADRE_FIELDS})
    data.position = "副站长"
    services.cadre_update(actor=actor, cadre=cadre, data=data, effective_from=date(2026, 2, 1))
    content = importing.cadre_export(
        actor=actor, town=town, cadres=Cadre.objects.filter(pk=cadre.pk).with_workplace(), personal=True
    )
    worksheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in worksheet[1]]
    row = dict(zip(header, [c.value for c in worksheet[2]], strict=True))
    latest = date(2026, 2, 1)
    assert Posting.objects.filter(cadre=cadre).count() == 2
    assert row["In post from"].date() == latest
    imported = importing.cadre_import(actor=actor, town=other_town, file=content).created[0]
    assert Posting.objects.get(cadre=imported).starts_on == latest


@pytest.mark.django_db
def test_the_personnel_type_imports_in_its_own_words_and_exports_back(town, actor):
    content = _xlsx(
        [
            [*_agency_in_chinese("赵敏", "女", 7, 13912345678), "事业编"],
            [*_agency_in_chinese("钱六", "男", 8, ""), ""],
        ],
        headers=[*CHINESE_HEADERS, "人员类别"],
    )
    result = importing.cadre_import(actor=actor, town=town, file=content)
    assert result.ok
    zhao, qian = sorted(result.created, key=lambda c: c.id_number)
    assert zhao.personnel_type == "public_institution" and zhao.grade_scale == "public_institution"
    assert qian.personnel_type == "" and qian.grade_scale == "civil_servant"  # not stated: established staff
    (row,) = [r for r in importing.cadre_rows([zhao], personal=False)]
    assert row["personnel_type"] == "public_institution"
    bad = _xlsx(
        [
            [
                "孙七",
                "男",
                testing.id_number(9),
                "",
                "机关干部",
                "在编人员",
                "科员",
                "党政办公室",
                "",
                "否",
                "否",
                "临时工",
            ]
        ],
        headers=[*CHINESE_HEADERS, "人员类别"],
    )
    assert not importing.cadre_import(actor=actor, town=town, file=bad).ok
    assert not Cadre.objects.filter(name="孙七").exists()

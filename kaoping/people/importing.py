"""Cadres in and out of Excel: the cadre sheet, declared once, and the import and export built on it.

Names, ID numbers and phone numbers are read as `kaoping.core.text` spells them: full-width digits
are digits, blanks inside an ID or phone number are dropped, and a name padded with blanks (`曲　鑫`)
is stored as 曲鑫, as the edit form stores it.

The import is all or nothing. Every row is checked first, with the rules of the edit form
(`services.cadre_problems`) and the checks only a file needs (one ID number on two rows, two heads
for one village), in a constant number of queries whatever the number of rows. Then either every
cadre is created in one transaction, each with their first posting (from the optional "in post
from" column, blank meaning the first of this month), or nothing is and the result lists every
problem by row and column.

Audit: each imported cadre gets the same `cadre.create` entry as a cadre added by hand (its note
names the file), and the import as a whole one `cadre.import` entry on the town. Every export is
recorded as `cadre.export`, saying whether it held personal data.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.audit.services import Event, record, record_many, snapshot
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.core.spreadsheets import Boolean, Choice, Column, Date, Problem, Row, Sheet, Table, Text
from kaoping.core.text import digit_string, person_name

from . import idnumbers, services
from .models import (
    AgencyCategory,
    Cadre,
    Department,
    Gender,
    PersonnelType,
    Population,
    Posting,
    Town,
    Village,
)

# The field's own words, accepted whatever the translation catalogue holds: a town's sheets use them.
_GENDER_WORDS = {Gender.MALE: ("男", "M"), Gender.FEMALE: ("女", "F")}
_POPULATION_WORDS = {
    Population.LEADERSHIP: ("镇班子成员", "班子成员"),
    Population.AGENCY: ("机关干部",),
    Population.VILLAGE: ("农村干部", "村干部"),
}
_CATEGORY_WORDS = {
    AgencyCategory.ESTABLISHED: ("在编人员", "在编"),
    AgencyCategory.COMMUNITY_INSTRUCTOR: ("社区指导员",),
    AgencyCategory.NON_ESTABLISHED: ("不在编人员", "不在编", "编外人员"),
}
_PERSONNEL_WORDS = {
    PersonnelType.CIVIL_SERVANT: ("公务员", "参公人员", "行政编"),
    PersonnelType.PUBLIC_INSTITUTION: ("事业单位人员", "事业编", "事业人员"),
    PersonnelType.OTHER: ("其他", "其他人员"),
}
# A town has a few hundred cadres. Each imported cadre costs an audit entry (a few milliseconds on
# PostgreSQL), so a bound well above any town keeps an import far inside a request's time limit.
MAX_ROWS = 1000
# The sample number printed in the national standard (GB 11643), valid and nobody's.
EXAMPLE_ID_NUMBER = "11010519491231002X"

_UNKNOWN_PLACE = {
    "department": gettext_lazy("There is no department named “%(name)s” in this town."),
    "village": gettext_lazy("There is no village named “%(name)s” in this town."),
}
_INACTIVE_PLACE = {
    "department": gettext_lazy("The department “%(name)s” is no longer active."),
    "village": gettext_lazy("The village “%(name)s” is no longer active."),
}

_DEPENDS_ON_POPULATION = ("agency_category", "department", "village", "is_village_head")


def cadre_sheet(*, departments: Sequence[str] = (), villages: Sequence[str] = ()) -> Sheet:
    """The cadre sheet's columns; `departments` and `villages` (names) fill the template's drop-downs."""
    return Sheet(
        title=gettext_lazy("Cadres"),
        notes=(
            gettext_lazy(
                "Departments and villages are matched by name: they must already exist in Kaoping and "
                "be active."
            ),
            gettext_lazy(
                "Agency cadres need a category and a department, village cadres a village; "
                "leadership members need neither."
            ),
        ),
        columns=(
            Column(
                "name",
                gettext_lazy("Name"),
                Text(max_length=40, clean=person_name),
                required=True,
                example="张伟",
                aliases=("姓名",),
            ),
            Column(
                "gender",
                gettext_lazy("Gender"),
                Choice(Gender.choices, aliases=_GENDER_WORDS),
                example=Gender.MALE,
                aliases=("性别",),
            ),
            Column(
                "id_number",
                gettext_lazy("ID number"),
                Text(clean=digit_string),
                required=True,
                example=EXAMPLE_ID_NUMBER,
                aliases=("身份证号", "身份证号码", "公民身份号码"),
                help=gettext_lazy("The 18-character resident ID number; the last character may be X."),
            ),
            Column(
                "phone",
                gettext_lazy("Mobile phone"),
                Text(
                    pattern=r"1[0-9]{10}",
                    pattern_message=gettext_lazy("Enter an 11-digit mobile number."),
                    clean=digit_string,
                ),
                example="13800000000",
                aliases=("手机号", "手机号码", "联系电话"),
            ),
            Column(
                "population",
                gettext_lazy("Population"),
                Choice(Population.choices, aliases=_POPULATION_WORDS),
                required=True,
                example=Population.AGENCY,
                aliases=("人群类别", "考核对象"),
            ),
            Column(
                "agency_category",
                gettext_lazy("Agency-cadre category"),
                Choice(AgencyCategory.choices, aliases=_CATEGORY_WORDS),
                example=AgencyCategory.ESTABLISHED,
                aliases=("机关干部类别", "干部类别"),
                help=gettext_lazy("Agency cadres only."),
            ),
            Column(
                "position",
                gettext_lazy("Position"),
                Text(max_length=60),
                required=True,
                example="科员",
                aliases=("职务",),
            ),
            Column(
                "department",
                gettext_lazy("Department"),
                Text(max_length=60),
                options=tuple(departments),
                example=departments[0] if departments else "党政办公室",
                aliases=("部门", "所在部门"),
                help=gettext_lazy("Agency cadres: the department's name as Kaoping spells it."),
            ),
            Column(
                "village",
                gettext_lazy("Village"),
                Text(max_length=60),
                options=tuple(villages),
                example=villages[0] if villages else "东村",
                aliases=("村", "所在村"),
                help=gettext_lazy("Village cadres only: the village's name as Kaoping spells it."),
            ),
            Column(
                "is_middle_level",
                gettext_lazy("Middle-level cadre"),
                Boolean(),
                example=False,
                aliases=("中层干部",),
                help=gettext_lazy("The head of a department (站所长)."),
            ),
            Column(
                "is_village_head",
                gettext_lazy("Village head"),
                Boolean(),
                example=False,
                aliases=("村委主要负责人",),
                help=gettext_lazy("The village head (村委主要负责人): one per village."),
            ),
            Column(
                "personnel_type",
                gettext_lazy("Personnel type"),
                Choice(PersonnelType.choices[1:], aliases=_PERSONNEL_WORDS),
                aliases=("人员类别", "身份类别", "人员身份"),
                help=gettext_lazy(
                    "Civil servant, public-institution staff or other: the words of the annual grade. "
                    "Blank: by population."
                ),
            ),
            Column(
                "in_post_from",
                gettext_lazy("In post from"),
                Date(),
                aliases=("任职日期", "任职时间", "到岗日期"),
                help=gettext_lazy(
                    "The first day the cadre is counted in this post; blank means the first day of this "
                    "month. A month's ranking takes the people in post on its first day."
                ),
            ),
            Column(
                "is_active",
                gettext_lazy("Status"),
                Choice([(True, gettext_lazy("In service")), (False, gettext_lazy("Left service"))]),
                importable=False,
            ),
        ),
    )


def unit_names(town: Town) -> tuple[list[str], list[str]]:
    """The names of the town's active departments and villages, as the template offers them."""
    departments = Department.objects.filter(town=town, is_active=True).values_list("name", flat=True)
    villages = Village.objects.filter(town=town, is_active=True).values_list("name", flat=True)
    return list(departments), list(villages)


def cadre_template(town: Town) -> bytes:
    """The empty cadre sheet for `town`, its drop-downs listing the town's active departments and villages."""
    departments, villages = unit_names(town)
    return spreadsheets.write_template(cadre_sheet(departments=departments, villages=villages), rows=MAX_ROWS)


@dataclass
class ImportResult:
    """What an import did: the cadres created, or (nothing created) every problem found."""

    created: list[Cadre] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def cadre_import(*, actor, town: Town, file: IO[bytes] | bytes, filename: str = "") -> ImportResult:
    """Add a cadre to `town` for every row of an uploaded .xlsx sheet, or none at all.

    Returns the cadres created, or every problem with its row number and column while nothing
    changes. Raises `SpreadsheetError` (a `DomainError`) when the file itself cannot be used, and
    `DomainError` if the town's cadres changed under the import so that the database refused it.
    """
    table = spreadsheets.read(cadre_sheet(), file, max_rows=MAX_ROWS)
    table.report_unknown_columns()
    departments = _by_name(Department.objects.filter(town=town))
    villages = _by_name(Village.objects.filter(town=town))
    roster = services.town_roster(town)
    first_row_of_id: dict[str, int] = {}
    first_row_of_head: dict[int, int] = {}
    starts: list[date] = []  # each row's first day in post
    accepted = []
    default_start = services.default_in_post_from()
    for row in table.rows:
        data = _row_data(table, row, departments, villages)
        starts.append(row.values.get("in_post_from") or default_start)
        _check_repeats(table, row, data, first_row_of_id, first_row_of_head)
        # Without a population, what the row needs besides cannot be known: say only what is sure.
        skip = _DEPENDS_ON_POPULATION if table.has_problem(row, "population") else ()
        for key, message in services.cadre_problems(town=town, data=data, roster=roster).items():
            if key not in skip and not table.has_problem(row, key):
                table.add_problem(row, key, message)
        accepted.append(data)
    if table.problems:
        return ImportResult(problems=table.sorted_problems())
    return ImportResult(
        created=_create(actor=actor, town=town, rows=accepted, starts=starts, filename=filename)
    )


def _by_name(units: Iterable[Department | Village]) -> dict[str, Any]:
    return {spreadsheets.normalize(unit.name): unit for unit in units}


def _row_data(table: Table, row: Row, departments: dict, villages: dict) -> services.CadreData:
    values = row.values
    return services.CadreData(
        name=values["name"],
        id_number=idnumbers.normalize(values["id_number"]),
        population=values["population"],
        position=values["position"],
        gender=values["gender"],
        phone=values["phone"],
        agency_category=values["agency_category"],
        department=_place(table, row, "department", departments),
        village=_place(table, row, "village", villages),
        is_middle_level=values["is_middle_level"],
        is_village_head=values["is_village_head"],
        personnel_type=values.get("personnel_type") or "",
    )


def _place(table: Table, row: Row, key: str, places: dict) -> Any:
    """The department or village the row names, or None (with a problem when the name is wrong)."""
    name = row.values[key]
    if not name:
        return None
    place = places.get(spreadsheets.normalize(name))
    if place is None:
        table.add_problem(row, key, _UNKNOWN_PLACE[key] % {"name": name})
        return None
    if not place.is_active:
        table.add_problem(row, key, _INACTIVE_PLACE[key] % {"name": name})
        return None
    return place


def _check_repeats(
    table: Table,
    row: Row,
    data: services.CadreData,
    first_row_of_id: dict[str, int],
    first_row_of_head: dict[int, int],
) -> None:
    """Flag what the database would refuse only because two rows of the file clash."""
    if idnumbers.is_valid(data.id_number):
        first = first_row_of_id.setdefault(data.id_number, row.number)
        if first != row.number:
            table.add_problem(
                row, "id_number", _("This ID number is already on row %(row)d.") % {"row": first}
            )
    if data.is_village_head and data.population == Population.VILLAGE and data.village is not None:
        first = first_row_of_head.setdefault(data.village.pk, row.number)
        if first != row.number:
            table.add_problem(
                row,
                "is_village_head",
                _("Row %(row)d already makes someone the head of %(village)s.")
                % {"row": first, "village": data.village.name},
            )


def _create(
    *, actor, town: Town, rows: list[services.CadreData], starts: list[date], filename: str
) -> list[Cadre]:
    try:
        with transaction.atomic():
            cadres = Cadre.objects.bulk_create(
                [
                    Cadre(town=town, **{name: getattr(data, name) for name in services.CADRE_FIELDS})
                    for data in rows
                ]
            )
            # Each cadre's first posting, as `services.cadre_create` opens it: new cadres overlap nothing.
            Posting.objects.bulk_create(
                Posting.opening(cadre, start) for cadre, start in zip(cadres, starts, strict=True)
            )
            events = [
                Event(
                    "cadre.create",
                    target=cadre,
                    new={**snapshot(cadre, services.CADRE_FIELDS), "in_post_from": start},
                    note=filename,
                )
                for cadre, start in zip(cadres, starts, strict=True)
            ]
            summary = {"file": filename, "count": len(cadres)}
            events.append(Event("cadre.import", target=town, town=town, new=summary, note=filename))
            record_many(actor=actor, events=events)
    except IntegrityError as exc:
        # Someone added a cadre with one of these ID numbers, or a village head, while we checked.
        raise DomainError(
            _(
                "The town's cadres changed while the file was being checked, so nothing was imported. "
                "Upload it again."
            )
        ) from exc
    return cadres


def mask_phone(phone: str) -> str:
    """Show the first three and last four digits only: 138****5678."""
    if len(phone) != 11:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[7:]


def cadre_rows(cadres: Iterable[Cadre], *, personal: bool) -> Iterator[dict[str, Any]]:
    """The cadres as rows of the cadre sheet; ID numbers and phones masked unless `personal`.

    "In post from" is the first day of the cadre's current posting (one query for all of them),
    so that a cadre imported from the export is in post from the same day.
    """
    cadres = list(cadres)
    in_post_from = current_posting_starts([cadre.pk for cadre in cadres])
    for cadre in cadres:
        yield {
            "name": cadre.name,
            "gender": cadre.gender,
            "id_number": cadre.id_number if personal else cadre.masked_id_number,
            "phone": cadre.phone if personal else mask_phone(cadre.phone),
            "population": cadre.population,
            "agency_category": cadre.agency_category,
            "position": cadre.position,
            "department": cadre.department.name if cadre.department else "",
            "village": cadre.village.name if cadre.village else "",
            "is_middle_level": cadre.is_middle_level,
            "is_village_head": cadre.is_village_head,
            "personnel_type": cadre.personnel_type,
            "is_active": cadre.is_active,
            "in_post_from": in_post_from.get(cadre.pk),
        }


def current_posting_starts(cadre_ids: Sequence[int]) -> dict[int, date]:
    """Each cadre's latest posting's first day, by cadre id."""
    starts: dict[int, date] = {}
    postings = Posting.objects.filter(cadre_id__in=cadre_ids).order_by("cadre_id", "starts_on")
    for cadre_id, starts_on in postings.values_list("cadre_id", "starts_on"):
        starts[cadre_id] = starts_on  # the last one wins: the current posting
    return starts


def cadre_export(*, actor, town: Town, cadres: Iterable[Cadre], personal: bool) -> bytes:
    """The cadres as an .xlsx workbook in the columns of the import, so that it imports back.

    ID numbers and phone numbers are masked unless `personal` (the user may see personal data).
    The export is recorded in the audit log.
    """
    rows = list(cadre_rows(cadres, personal=personal))
    content = spreadsheets.write_rows(cadre_sheet(), rows)
    record(
        actor=actor,
        action="cadre.export",
        target=town,
        town=town,
        new={"count": len(rows), "personal_data": personal},
    )
    return content

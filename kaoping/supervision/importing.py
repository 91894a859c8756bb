"""Supervision items from Excel: the item sheet, declared once, and the all-or-nothing import.

Every row is checked first with the rules of the form (`services.item_problems`) plus the name
look-ups only a file needs; then either every item is created in one transaction, or nothing is
and the result lists every problem by row and column. Owners are cadres of the town named in the
cell, several separated by 、 , ， or ; (or by blanks, when the cell as a whole names nobody). Names
are compared as `kaoping.core.text.person_name` spells them, so that `曲　鑫`, padded with a
full-width space as registers do, is 曲鑫. A name shared by two cadres of the town is refused as
ambiguous.
"""

import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.audit.services import record
from kaoping.core import spreadsheets
from kaoping.core.spreadsheets import Choice, Column, Date, Problem, Row, Sheet, Table, Text
from kaoping.core.text import person_name
from kaoping.people.models import Cadre, Department, Town

from . import services
from .models import Item, Source, Urgency

MAX_ROWS = 500
_SOURCE_WORDS = {
    Source.MEETING: ("两委会分办", "两委会", "会议交办"),
    Source.INSPECTION: ("督查发现", "督查发现问题"),
    Source.ABOVE: ("上级交办", "上级任务"),
}
_URGENCY_WORDS = {Urgency.NORMAL: ("一般",), Urgency.URGENT: ("紧急",), Urgency.VERY_URGENT: ("特急",)}
_SEPARATORS = re.compile(r"[、,，;；/／]+")

ITEM_SHEET = Sheet(
    title=gettext_lazy("Supervision items"),
    notes=(gettext_lazy("Owners and co-owners are cadres of the town, by name, separated by 、."),),
    columns=(
        Column(
            "source",
            gettext_lazy("Source"),
            Choice(Source.choices, aliases=_SOURCE_WORDS),
            required=True,
            example=Source.MEETING,
            aliases=("来源", "事项来源"),
        ),
        Column(
            "title",
            gettext_lazy("Title"),
            Text(max_length=120),  # kept as typed: Chinese punctuation and all
            required=True,
            example="秸秆禁烧巡查",
            aliases=("事项", "督办事项", "标题"),
        ),
        Column(
            "requirements",
            gettext_lazy("Requirements"),
            Text(max_length=2000),
            example="每日巡查并报送台账",
            aliases=("要求", "工作要求"),
        ),
        Column(
            "department",
            gettext_lazy("Owning department"),
            Text(max_length=60),
            example="党政办公室",
            aliases=("责任单位", "牵头单位"),
        ),
        Column("owners", gettext_lazy("Owners"), Text(max_length=200), example="张伟", aliases=("责任人",)),
        Column(
            "co_owners",
            gettext_lazy("Co-owners"),
            Text(max_length=200),
            example="李娜、王强",
            aliases=("配合人", "协办人"),
        ),
        Column(
            "urgency",
            gettext_lazy("Urgency"),
            Choice(Urgency.choices, aliases=_URGENCY_WORDS),
            example=Urgency.NORMAL,
            aliases=("紧急程度",),
        ),
        Column("assigned_on", gettext_lazy("Assigned on"), Date(), required=True, aliases=("交办日期",)),
        Column("deadline", gettext_lazy("Deadline"), Date(), required=True, aliases=("办结时限", "截止日期")),
    ),
)


@dataclass
class ImportResult:
    created: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def item_template() -> bytes:
    return spreadsheets.write_template(ITEM_SHEET, rows=MAX_ROWS)


def _name_key(name: str) -> str:
    return spreadsheets.normalize(person_name(name))


def _names(cell: str, by_name: dict[str, list[Cadre]]) -> list[str]:
    """The names in an owners cell: split at separators, and at blanks only where that names people."""
    names = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(cell or ""))):
        if _name_key(part) in by_name or not re.search(r"\s", part):
            names.append(person_name(part))
            continue
        # Blanks separate names (张伟 李娜) or pad one (曲　鑫): take the longest run of pieces that
        # names a cadre, else a piece on its own.
        pieces, start = part.split(), 0
        while start < len(pieces):
            end = next(
                (
                    end
                    for end in range(len(pieces), start, -1)
                    if _name_key("".join(pieces[start:end])) in by_name
                ),
                start + 1,
            )
            names.append(person_name("".join(pieces[start:end])))
            start = end
    return names


def _cadres(table: Table, row: Row, key: str, by_name: dict[str, list[Cadre]]) -> list[Cadre]:
    found = []
    for name in _names(row.values[key], by_name):
        matches = by_name.get(_name_key(name), [])
        if not matches:
            table.add_problem(
                row, key, _("There is no cadre named “%(name)s” in this town.") % {"name": name}
            )
        elif len(matches) > 1:
            table.add_problem(
                row, key, _("Several cadres are named “%(name)s”; enter the item by hand.") % {"name": name}
            )
        else:
            found.append(matches[0])
    return found


def item_import(*, actor, town: Town, file: IO[bytes] | bytes, filename: str = "") -> ImportResult:
    """Create an item for every row of an uploaded sheet, or none at all (every problem listed)."""
    services._require_office(actor, town)
    table = spreadsheets.read(ITEM_SHEET, file, max_rows=MAX_ROWS)
    table.report_unknown_columns()
    departments = {
        spreadsheets.normalize(d.name): d for d in Department.objects.filter(town=town, is_active=True)
    }
    by_name: dict[str, list[Cadre]] = {}
    for cadre in Cadre.objects.filter(town=town, is_active=True):
        by_name.setdefault(_name_key(cadre.name), []).append(cadre)
    accepted = []
    for row in table.rows:
        values = row.values
        department = None
        if values["department"]:
            department = departments.get(spreadsheets.normalize(values["department"]))
            if department is None:
                table.add_problem(
                    row,
                    "department",
                    _("There is no active department named “%(name)s”.") % {"name": values["department"]},
                )
        data = services.ItemData(
            source=values["source"],
            title=values["title"],
            requirements=values["requirements"],
            department=department,
            urgency=values["urgency"] or Urgency.NORMAL,
            assigned_on=values["assigned_on"],
            deadline=values["deadline"],
            owners=_cadres(table, row, "owners", by_name),
            co_owners=_cadres(table, row, "co_owners", by_name),
        )
        if data.assigned_on and data.deadline:
            for key, message in services.item_problems(town=town, data=data).items():
                key = key if key in {c.key for c in ITEM_SHEET.columns} else "owners"
                if not table.has_problem(row, key) and not (
                    key == "owners" and table.has_problem(row, "department")
                ):
                    table.add_problem(row, key, message)
        accepted.append(data)
    if table.problems:
        return ImportResult(problems=table.sorted_problems())
    with transaction.atomic():
        created = [services.item_create(actor=actor, town=town, data=d, note=filename) for d in accepted]
        record(
            actor=actor,
            action="supervision_item.import",
            target=town,
            town=town,
            new={"file": filename, "count": len(created)},
        )
    return ImportResult(created=created)

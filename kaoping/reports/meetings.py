"""The month's records compiled for the secretary's office meeting (书记办公会), with each cadre's rank.

It sits in the reports layer because it reads the published results (each cadre's monthly rank) beside
the records, which are an input and may not read the results themselves. The document is a .docx in
the house style of official documents (`kaoping/core/documents.py`: A4, the red masthead and rule,
仿宋 body, 黑体/楷体 headings, page numbers at the outer edge), converted to PDF by LibreOffice like
the bulletins.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from kaoping.core import documents as house
from kaoping.people.models import Cadre, Department, Population, Town, Village
from kaoping.people.selectors import roster
from kaoping.records import selectors as records
from kaoping.records.models import Heading, MonthRecord, RecordStatus
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import PeriodStatus

CHINESE_NUMBERS = "一二三四五六七八九十"
# The document is an official one in Chinese whatever the reader's language: the headings' own names.
HEADINGS_ZH = {
    Heading.POST_DUTIES: "岗位工作",
    Heading.KEY_TASKS: "重点工作",
    Heading.HARD_PROBLEMS: "破解难题",
    Heading.MOVING_UP: "争先进位",
    Heading.URGENT_TASKS: "完成上级临时交办重点工作",
}


@dataclass
class CadreBlock:
    cadre: Cadre
    leader: Cadre
    state: str
    record: MonthRecord | None
    result: MonthlyResult | None

    @property
    def rank_label(self) -> str:
        if self.result is None:
            return ""
        return _("No. %(rank)s of %(population)s") % {
            "rank": self.result.rank,
            "population": self.cadre.get_population_display(),
        }


@dataclass
class UnitBlock:
    unit: Department | Village
    cadres: list[CadreBlock] = field(default_factory=list)


def compile_month(town: Town, month: date) -> list[UnitBlock]:
    """The month's cadres in someone's charge, by department then village, each with their record
    (entries, attachments, decision) and their published result of the month; a fixed number of queries."""
    month = month.replace(day=1)
    rows = records.month_rows(town, month)
    submitted = [r.record for r in rows if r.record is not None]
    details = {
        r.pk: r
        for r in records.attach_details(
            list(
                MonthRecord.objects.filter(pk__in=[r.pk for r in submitted])
                .select_related("decision")
                .prefetch_related("entries")
            )
        )
    }
    results = {
        r.cadre_id: r
        for r in MonthlyResult.objects.filter(
            period__town=town, period__month=month, period__status=PeriodStatus.PUBLISHED
        )
    }
    member = roster(town, month)
    units: dict[tuple[int, int], UnitBlock] = {}
    departments = Department.objects.in_bulk({m.department_id for m in member.values() if m.department_id})
    villages = Village.objects.in_bulk({m.village_id for m in member.values() if m.village_id})
    for row in rows:
        m = member[row.cadre.pk]
        if m.population == Population.VILLAGE and m.village_id:
            unit, key = villages[m.village_id], (1, villages[m.village_id].sort_order)
        else:
            unit, key = departments[m.department_id], (0, departments[m.department_id].sort_order)  # type: ignore[index]
        block = units.setdefault((*key, unit.pk), UnitBlock(unit=unit))  # type: ignore[arg-type]
        record = details.get(row.record.pk) if row.record is not None else None
        block.cadres.append(
            CadreBlock(
                cadre=row.cadre,
                leader=row.leader,
                state=row.state,
                record=record,
                result=results.get(row.cadre.pk),
            )
        )
    for block in units.values():
        block.cadres.sort(
            key=lambda c: (not c.cadre.is_village_head, not c.cadre.is_middle_level, c.cadre.name)
        )
    return [units[k] for k in sorted(units, key=lambda k: (k[0], k[1], units[k].unit.name))]


def _heading_number(i: int) -> str:
    return CHINESE_NUMBERS[i] if i < 10 else str(i + 1)


def month_docx(town: Town, month: date, units: list[UnitBlock], *, issued_on: date) -> bytes:
    """The compilation as a .docx in the house style of official documents."""
    doc = Document()
    width = house.house_page(doc)
    house.masthead(
        doc,
        title="干部落实力纪实",
        issuer=f"{town.name}党建工作办公室",
        date=issued_on,
        width=width,
        size=40,
        line_spacing=56,
    )
    house.document_title(doc, f"{month.year}年{month.month}月干部业绩表现纪实汇总")
    house.paragraph(
        doc, "（提交书记办公会研究）", house.KAITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    house.blank_line(doc)
    for i, block in enumerate(units):
        house.heading(doc, f"{_heading_number(i)}、{block.unit.name}")
        for j, c in enumerate(block.cadres):
            rank = f"，本月排名第{c.result.rank}名" if c.result is not None else ""
            late = ""
            if c.state == "late" and c.record is not None and c.record.submitted_at:
                late = f"，{house.chinese_date(c.record.submitted_at.date())}逾期报送"
            house.heading(
                doc, f"（{_heading_number(j)}）{c.cadre.name}（{c.cadre.position}{rank}{late}）", level=2
            )
            if c.record is None or c.record.status != RecordStatus.SUBMITTED:
                house.body(doc, "未报送。")
                continue
            for k, (h, _label, entry, files) in enumerate(c.record.answers):
                name = HEADINGS_ZH[h]
                if entry is None:
                    text = "未填写。"
                elif entry.nothing_notable:
                    text = "无突出事项。"
                else:
                    text = " ".join(entry.text.split())
                if files:
                    text += "（附件：" + "、".join(a.original_name for a in files) + "）"
                house.body(doc, f"{k + 1}．{name}：{text}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(month: date, extension: str) -> str:
    return f"干部落实力纪实{month.year}年{month.month}月.{extension}"

"""A plan's amounts as an .xlsx for the finance office: the plan, its method and approval on top, one
row per member (name, department or village, grade, score, weight, amount; no ID number), the members
who get nothing with the reason, and a total row equal to the pool. The columns are declared once."""

import io

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kaoping.core import spreadsheets
from kaoping.core.numbers import MONEY_FORMAT, money

from . import inputs
from .models import PlanStatus
from .selectors import PlanPage, exact_text

COLUMNS = (
    spreadsheets.Column("name", gettext_lazy("Name")),
    spreadsheets.Column("workplace", gettext_lazy("Department or village")),
    spreadsheets.Column("position", gettext_lazy("Position")),
    spreadsheets.Column("grade", gettext_lazy("Grade")),
    spreadsheets.Column("score", gettext_lazy("Annual score"), spreadsheets.Number(places=2)),
    spreadsheets.Column("share", gettext_lazy("Share of the year assessed"), spreadsheets.Number(places=6)),
    spreadsheets.Column("weight", gettext_lazy("Weight"), spreadsheets.Number(places=4)),
    spreadsheets.Column("exact", gettext_lazy("Exact share (yuan)")),
    spreadsheets.Column("amount", gettext_lazy("Amount (yuan)"), spreadsheets.Money()),
    spreadsheets.Column("note", gettext_lazy("Note")),
)
BOLD = Font(bold=True)


def _approval(page: PlanPage) -> str:
    plan = page.plan
    if plan.status == PlanStatus.APPROVED and plan.approved_by is not None:
        who = plan.approved_by.display_name or plan.approved_by.username
        return _("Approved by %(who)s on %(when)s: the amounts are frozen.") % {
            "who": who,
            "when": timezone.localtime(plan.approved_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("%(status)s: not approved, not for payment.") % {"status": plan.get_status_display()}


def rows(page: PlanPage) -> list[dict]:
    """The rows under the header: the paid members by amount, then the unpaid ones with the reason."""
    found = []
    for line in page.paid:
        found.append(
            {
                "name": line.cadre.name,
                "workplace": str(line.cadre.workplace or ""),
                "position": line.cadre.position,
                "grade": _grade(line),
                "score": line.score,
                "share": line.in_post,
                "weight": line.weight,
                "exact": exact_text(line.exact),
                "amount": line.amount,
                "note": _("one cent of the remainder") if line.extra_cent else "",
            }
        )
    for line in page.unpaid:
        found.append(
            {
                "name": line.cadre.name,
                "workplace": str(line.cadre.workplace or ""),
                "position": line.cadre.position,
                "grade": _grade(line) or _("No grade"),
                "score": line.score,
                "amount": None,
                "note": " ".join(filter(None, [line.get_unpaid_display(), line.unpaid_detail])),
            }
        )
    return found


def _grade(line) -> str:
    return inputs.grade_words(line.scale, line.level)


def workbook(page: PlanPage, method_text: str) -> bytes:
    """The workbook's bytes."""
    plan = page.plan
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Pay")[:31]
    top = [
        f"{plan.town.name} {plan.year} {plan.get_kind_display()}",
        _("Pool: %(pool)s yuan") % {"pool": money(plan.pool)},
        _("Method: %(method)s") % {"method": method_text},
        _approval(page),
    ]
    for row, text in enumerate(top, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.data_type = "s"
        if row == 1:
            cell.font = Font(bold=True, size=14)
    header_row = len(top) + 2
    for i, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=i, value=column.label)
        cell.font = BOLD
    row = header_row
    for values in rows(page):
        row += 1
        for i, column in enumerate(COLUMNS, start=1):
            value = values.get(column.key)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=row, column=i, value=column.kind.format(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name starting with "=" never becomes a formula
            cell.number_format = column.kind.number_format
    row += 1
    sheet.cell(row=row, column=1, value=_("Total")).font = BOLD
    amount_column = [c.key for c in COLUMNS].index("amount") + 1
    total = sheet.cell(row=row, column=amount_column, value=page.total)
    total.font = BOLD
    total.number_format = MONEY_FORMAT
    widths = (12, 18, 14, 18, 10, 12, 12, 16, 14, 30)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(page: PlanPage, method_text: str) -> HttpResponse:
    plan = page.plan
    return spreadsheets.xlsx_response(
        workbook(page, method_text),
        filename=f"{plan.town.name}-{plan.year}-{plan.get_kind_display()}.xlsx",
        fallback=f"pay-{plan.town.slug}-{plan.year}-{plan.kind}.xlsx",
    )

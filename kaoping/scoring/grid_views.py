"""The monthly score grid of one assessment group: entry, workflow, Excel template and import.

The grid is read in a fixed number of queries (the sheet, its indicators, its cadres, its entries)
and rendered on the server; `static/scoring/grid.js` adds keyboard movement, the evidence-note bar
and client-side checks, and posts only the changed cells. The service decides: a save is all or
nothing, and every refused cell is shown next to itself.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can_for_population, duties_apart_problem, town_or_404
from kaoping.audit.models import AuditEntry
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.indicators import rules
from kaoping.indicators.models import Indicator, RuleKind
from kaoping.people.models import Cadre, Population

from . import importing, services
from .forms import ExcusalForm, GridInput, ImportForm, MoveForm, grid_input
from .models import (
    AdjustmentShare,
    AdjustmentStatus,
    Excusal,
    ExcuseReason,
    Period,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
)
from .selectors import period_or_404


def _load(request: HttpRequest, town: str, month: str, sheet: int, action: Action) -> tuple:
    """The town, month and sheet of the URL; a sheet of another month or town is a 404."""
    town_obj = town_or_404(request, town, action)
    period = period_or_404(town_obj, month)
    sheet_obj = get_object_or_404(
        ScoreSheet.objects.select_related("scheme", "submitted_by", "approved_by"), pk=sheet, period=period
    )
    sheet_obj.period = period
    return town_obj, period, sheet_obj


def _may_enter(request: HttpRequest, sheet: ScoreSheet) -> bool:
    return can_for_population(request.user, Action.ENTER_SCORES, sheet.period.town, sheet.scheme.population)


def _require_enter(request: HttpRequest, sheet: ScoreSheet) -> None:
    if not _may_enter(request, sheet):
        raise PermissionDenied(_("You do not score this population."))


def _read_only_reason(request: HttpRequest, sheet: ScoreSheet) -> str:
    """Why the grid cannot be edited by this user now, or "" when it can."""
    if not _may_enter(request, sheet):
        return _("You can read this score sheet; only its population's scorers fill it in.")
    if not sheet.period.is_open:
        return _("%(month)s is closed: scores can no longer change.") % {"month": sheet.period}
    if sheet.status != SheetStatus.DRAFT:
        return _("This score sheet is %(status)s; it must be returned to draft before scores change.") % {
            "status": sheet.get_status_display()
        }
    return ""


def _allowed_moves(request: HttpRequest, sheet: ScoreSheet) -> tuple[list[str], str]:
    """The workflow moves this user may make on the sheet now (the service checks again), and why
    approving is not among them when the user submitted the sheet (duties kept apart)."""
    if not sheet.period.is_open:
        return [], ""
    town, population = sheet.period.town, sheet.scheme.population
    moves = [
        to
        for (frm, to), action in services.SHEET_MOVES.items()
        if frm == sheet.status and can_for_population(request.user, action, town, population)
    ]
    why_not = ""
    if SheetStatus.APPROVED in moves:
        why_not = duties_apart_problem(
            request.user, sheet.submitted_by_id, first_step=str(services.SUBMITTED_SHEET)
        )
        if why_not:
            moves.remove(SheetStatus.APPROVED)
    return moves, why_not


# The grid as the template reads it.


@dataclass
class Column:
    indicator: Indicator
    rule: str  # the rule in words
    max: str
    width: str = "3.6"  # in rem, to fit the column's longest value
    unit: str = ""  # what a raw-value column counts ("times", "place", "of 3000"); empty for points
    plausible: str = ""  # above this a typed raw value is queried (not refused): far above the target


def _unit(indicator: Indicator) -> tuple[str, str]:
    """What a column's raw value counts, and the value above which it is implausible."""
    kind = indicator.rule_kind
    if kind == RuleKind.COMPLETION and indicator.target:
        return _("achieved, target %(target)s") % {"target": rules.number(indicator.target)}, rules.number(
            indicator.target * 3
        )
    if kind == RuleKind.PER_OCCURRENCE:
        return _("times"), ""
    if kind == RuleKind.RANK:
        return (_("value") if indicator.proportional else _("place")), ""
    if kind in (RuleKind.PASS_FAIL, RuleKind.VETO):
        return _("1 passed, 0 failed"), ""
    return "", ""


@dataclass
class GridCell:
    name: str  # the value field's name; the note's is the same with "n-"
    value: str
    note: str
    saved: str | None = None  # the stored value, when the value shown is one typed and refused
    saved_note: str | None = None
    error: str = ""
    version: int = 0  # the stored cell's version (0: empty), sent back with a change
    conflict: services.Conflict | None = None  # changed by someone else since the refused save


@dataclass
class GridRow:
    cadre: Cadre
    cells: list[GridCell]
    html: str = ""  # the row's cells, rendered by `_cells_html`
    excused: Excusal | None = None  # not scored this month, and why
    empty: int = 0  # cells without a score (excused rows: 0)


@dataclass
class GridGroup:
    label: str
    rows: list[GridRow] = field(default_factory=list)


def _shown(value: Decimal | None) -> str:
    return "" if value is None else rules.number(value)


def _group_label(cadre: Cadre) -> str:
    if cadre.population == Population.AGENCY:
        place = f" · {cadre.department}" if cadre.department else ""
        return f"{cadre.get_agency_category_display()}{place}"
    if cadre.population == Population.VILLAGE:
        return str(cadre.village or "")
    return ""


def _attr(name: str, value: str | None) -> str:
    return "" if value is None else f' {name}="{escape(value)}"'


def _cells_html(cells: list[GridCell], *, read_only: bool, excused: bool = False) -> SafeString:
    """The cells of one row. Written here rather than in the template: a 90 × 42 grid has 3,780 cells,
    which the template engine takes half a second to render and this a few milliseconds."""
    parts = []
    for cell in cells:
        if excused:
            parts.append('<td class="gc-excused" aria-label="—">—</td>')
            continue
        if read_only:
            note = escape(cell.note)
            marked = ' class="gc-ro has-note"' if cell.note else ' class="gc-ro"'
            title = f' title="{note}"' if cell.note else ""
            parts.append(f'<td{marked} data-note="{note}"{title}>{escape(cell.value)}</td>')
            continue
        error = ""
        attributes = (
            f' data-v="{cell.version}"'
            + _attr("data-saved", cell.saved)
            + _attr("data-note", cell.note or None)
            + _attr("data-saved-note", cell.saved_note)
        )
        if cell.conflict:
            # Not an error of the value: saving again keeps the user's, the button takes theirs.
            css = "gc gc-dirty gc-clash"
            attributes += _attr("data-theirs", cell.conflict.value) + _attr(
                "data-theirs-note", cell.conflict.note
            )
            take = escape(_("Take their value"))
            error = (
                f'<div class="gc-error gc-conflict" role="status">{escape(cell.error)} '
                f'<button type="button" class="btn btn-link btn-sm p-0 gc-take">{take}</button></div>'
            )
        elif cell.error:
            css = "gc is-invalid"
            attributes += f' aria-invalid="true"{_attr("data-error", cell.error)}{_attr("title", cell.error)}'
            error = f'<div class="gc-error">{escape(cell.error)}</div>'
        else:
            css = "gc gc-dirty" if cell.saved is not None or cell.saved_note is not None else "gc"
        td = '<td class="has-note">' if cell.note else "<td>"
        parts.append(
            f'{td}<input class="{css}" name="v-{cell.name}" value="{escape(cell.value)}" inputmode="decimal"'
            f"{attributes}>{error}</td>"
        )
    return mark_safe("".join(parts))  # every value above is escaped


def _conflict_message(conflict: services.Conflict) -> str:
    if not conflict.value:
        return _("%(by)s cleared this cell after you loaded it.") % {"by": conflict.by}
    return _("%(by)s changed this cell to “%(value)s” after you loaded it.") % {
        "by": conflict.by,
        "value": conflict.value,
    }


def _grid(
    sheet: ScoreSheet,
    typed: GridInput | None = None,
    *,
    read_only: bool = False,
    conflicts: list[services.Conflict] | None = None,
) -> dict:
    """Columns, category spans and grouped rows of the sheet, with what was typed laid over it."""
    indicators = importing.sheet_indicators(sheet)
    cadres = list(importing.sheet_cadres(sheet))
    entries = {
        (c, i): (v, n, r)
        for c, i, v, n, r in sheet.entries.values_list("cadre_id", "indicator_id", "value", "note", "version")
    }
    excusals = {e.cadre_id: e for e in Excusal.objects.filter(sheet=sheet).select_related("created_by")}
    clashes = {(c.cadre_id, c.indicator_id): c for c in conflicts or []}
    typed = typed or GridInput()
    groups: list[GridGroup] = []
    filled = scored_cells = 0
    indicator_ids = [indicator.pk for indicator in indicators]  # read once, not once a cell
    for label, members in groupby(cadres, key=_group_label):
        group = GridGroup(label)
        for cadre in members:
            cadre_id = cadre.pk
            excused = excusals.get(cadre_id)
            cells = []
            empty = 0
            for indicator_id in indicator_ids:
                key = (cadre_id, indicator_id)
                value, note, version = entries.get(key, (None, "", 0))
                cell = GridCell(f"{cadre_id}-{indicator_id}", _shown(value), note, version=version)
                filled += value is not None
                empty += value is None
                if key in typed.values and typed.values[key] != cell.value:
                    cell.saved, cell.value = cell.value, typed.values[key]
                if key in typed.notes and typed.notes[key] != cell.note:
                    cell.saved_note, cell.note = cell.note, typed.notes[key]
                cell.error = typed.errors.get(key, "")
                if value is not None and not cell.error and key not in typed.values:
                    cell.error = services.stored_problem(value) or ""  # to be cleared
                if key in clashes:
                    cell.conflict = clashes[key]
                    cell.error = _conflict_message(clashes[key])
                cells.append(cell)
            if excused is None:
                scored_cells += len(indicators)
            html = _cells_html(cells, read_only=read_only, excused=excused is not None)
            group.rows.append(GridRow(cadre, cells, html, excused, 0 if excused else empty))
        groups.append(group)
    columns = []
    for indicator in indicators:
        unit, plausible = _unit(indicator)
        columns.append(
            Column(
                indicator,
                rules.describe(indicator),
                rules.number(indicator.max_score),
                unit=unit,
                plausible=plausible,
            )
        )
    for index, column in enumerate(columns):
        longest = max((len(row.cells[index].value) for group in groups for row in group.rows), default=0)
        column.width = f"{max(4.6, 0.6 * longest + 1.2):.1f}"
    categories = [
        (name, len(list(members))) for name, members in groupby(indicators, key=lambda i: i.category)
    ]
    return {
        "columns": columns,
        "categories": categories,
        "groups": groups,
        "row_count": len(cadres),
        "cell_count": scored_cells,
        "filled": filled,
        "excusals": sorted(excusals.values(), key=lambda e: e.cadre.name),
        "excusable": [c for c in cadres if c.pk not in excusals],
        "client_rules": {
            "manual": RuleKind.MANUAL,
            "pass_fail": RuleKind.PASS_FAIL,
            "veto": RuleKind.VETO,
            "rank": RuleKind.RANK,
            "per_occurrence": RuleKind.PER_OCCURRENCE,
        },
    }


def _last_return(sheet: ScoreSheet) -> AuditEntry | None:
    """The move that last sent the sheet back to draft, with its reason, if that is its latest move."""
    last = (
        AuditEntry.objects.filter(
            action="sheet.move", object_type=ScoreSheet._meta.label_lower, object_id=str(sheet.pk)
        )
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    if last and sheet.status == SheetStatus.DRAFT and (last.new or {}).get("status") == SheetStatus.DRAFT:
        return last
    return None


def _client_messages() -> dict[str, str]:
    """The client-side checks' messages: the service's own, with the same placeholders."""
    return {
        "nan": _("“%(value)s” is not a number."),
        "negative": _("A score cannot be negative."),
        "places": _("At most two decimal places."),
        "max": _("The maximum for %(code)s is %(max)s."),
        "pass_fail": _("Enter 1 (passed) or 0 (failed)."),
        "rank": _("Enter the rank: a whole number from 1."),
        "count": _("Enter how many times: a whole number."),
        "note_needs_value": _("Enter a score before its evidence note."),
        "fix": _("Some cells need fixing before saving: they are marked in red."),
        "nothing": _("Nothing has changed since the last save."),
        "unsaved": _("Some scores are not saved yet. Leave without saving them?"),
        "took": _("Their value is back in the cell; yours is gone."),
        "changed": _("%(count)s unsaved"),
        "implausible": _(
            "%(value)s is far above the target of %(target)s: please check it (it can be saved)."
        ),
        "rank_implausible": _(
            "Place %(value)s is below the last of %(count)s: please check it (it can be saved)."
        ),
    }


def _render_grid(
    request: HttpRequest,
    town,
    period: Period,
    sheet: ScoreSheet,
    *,
    typed: GridInput | None = None,
    error: str = "",
    errors: list[str] | None = None,
    conflicts: list[services.Conflict] | None = None,
) -> HttpResponse:
    read_only = _read_only_reason(request, sheet)
    moves, why_not_approve = _allowed_moves(request, sheet)
    context = {
        "town": town,
        "period": period,
        "month": f"{period.month:%Y-%m}",
        "sheet": sheet,
        "read_only": read_only,
        "may_enter": _may_enter(request, sheet),
        "moves": moves,
        "why_not_approve": why_not_approve,
        "reasons": ExcuseReason.choices,
        "statuses": SheetStatus,
        "last_return": _last_return(sheet),
        "error": error,
        "errors": errors or [],
        "messages_json": _client_messages(),
        **_grid(sheet, typed, read_only=bool(read_only), conflicts=conflicts),
    }
    if typed and typed.errors:
        context["cell_errors"] = len(typed.errors)
    if conflicts:
        context["conflicts"] = len(conflicts)
    return render(request, "scoring/grid.html", context)


@login_required
def sheet_grid(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.VIEW_RESULTS)
    return _render_grid(request, town_obj, period, sheet_obj)


@require_POST
@login_required
def sheet_save(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.ENTER_SCORES)
    _require_enter(request, sheet_obj)
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme_id=sheet_obj.scheme_id)}
    existing = {(e.cadre_id, e.indicator_id): e for e in ScoreEntry.objects.filter(sheet=sheet_obj)}
    typed = grid_input(request.POST, indicators=indicators, existing=existing)
    if typed.errors:
        message = ngettext(
            "Nothing was saved: %(count)d cell needs fixing.",
            "Nothing was saved: %(count)d cells need fixing.",
            len(typed.errors),
        ) % {"count": len(typed.errors)}
        return _render_grid(request, town_obj, period, sheet_obj, typed=typed, error=message)
    revision = request.POST.get("revision", "")
    try:
        changed = services.entries_save(
            actor=request.user,
            sheet=sheet_obj,
            cells=typed.cells,
            based_on_revision=int(revision) if revision.isdigit() and len(revision) < 10 else None,
        )
    except services.StaleSave as exc:
        sheet_obj.refresh_from_db()
        return _render_grid(
            request, town_obj, period, sheet_obj, typed=typed, error=exc.message, conflicts=exc.conflicts
        )
    except DomainError as exc:
        sheet_obj.refresh_from_db()
        return _render_grid(
            request, town_obj, period, sheet_obj, typed=typed, error=exc.message, errors=exc.errors
        )
    if changed:
        messages.success(
            request,
            ngettext("%(count)d score saved.", "%(count)d scores saved.", changed) % {"count": changed},
        )
    else:
        messages.info(request, _("Nothing has changed since the last save."))
    return redirect("scoring:sheet_grid", town_obj.slug, month, sheet_obj.pk)


@require_POST
@login_required
def sheet_move_view(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.ENTER_SCORES)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
    else:
        old = sheet_obj.status
        to = form.cleaned_data["to"]
        try:
            services.sheet_move(
                actor=request.user, sheet=sheet_obj, to=to, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, " ".join([exc.message, *exc.errors]))
        else:
            messages.success(request, _move_message(old, to))
    return redirect("scoring:sheet_grid", town_obj.slug, month, sheet_obj.pk)


@require_POST
@login_required
def excusal_add(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    """Mark a cadre of the sheet not scored this month, with the reason."""
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.ENTER_SCORES)
    _require_enter(request, sheet_obj)
    form = ExcusalForm(request.POST)
    cadre = None
    if form.is_valid():
        cadre = Cadre.objects.filter(pk=form.cleaned_data["cadre"], town=town_obj).first()
    if cadre is None:
        messages.error(request, _("Choose a cadre of this sheet and the reason."))
    else:
        try:
            services.excusal_set(
                actor=request.user,
                sheet=sheet_obj,
                cadre=cadre,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is marked not scored this month.") % {"name": cadre.name})
            # An excused cadre has no result: their bonuses and deductions of the month apply nowhere.
            titles = list(
                AdjustmentShare.objects.filter(adjustment__period=period, cadre=cadre)
                .exclude(adjustment__status=AdjustmentStatus.REJECTED)
                .values_list("adjustment__title", flat=True)
            )
            if titles:
                messages.warning(
                    request,
                    _(
                        "%(name)s has a bonus or deduction this month (%(titles)s): it is not applied while "
                        "they are not scored. The month's confirmation lists it."
                    )
                    % {"name": cadre.name, "titles": "、".join(titles)},
                )
    return redirect("scoring:sheet_grid", town_obj.slug, month, sheet_obj.pk)


@require_POST
@login_required
def excusal_remove(request: HttpRequest, town: str, month: str, sheet: int, cadre: int) -> HttpResponse:
    """Remove a cadre's "not scored this month" mark: their cells are to be scored again."""
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.ENTER_SCORES)
    _require_enter(request, sheet_obj)
    cadre_obj = get_object_or_404(Cadre, pk=cadre, town=town_obj)
    try:
        services.excusal_clear(actor=request.user, sheet=sheet_obj, cadre=cadre_obj)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is to be scored this month again.") % {"name": cadre_obj.name})
    return redirect("scoring:sheet_grid", town_obj.slug, month, sheet_obj.pk)


def _move_message(old: str, to: str) -> str:
    if to == SheetStatus.SUBMITTED:
        return _("The score sheet is submitted to the group leader.")
    if to == SheetStatus.APPROVED:
        return _("The score sheet is approved.")
    if old == SheetStatus.SUBMITTED:
        return _("The score sheet is returned to its scorers.")
    return _("The score sheet is open for changes again.")


@login_required
def sheet_import(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.ENTER_SCORES)
    _require_enter(request, sheet_obj)
    # A multipart POST with only a file has an empty request.POST: bind on the method, not on `or None`.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.sheet_import(actor=request.user, sheet=sheet_obj, file=upload)
        except DomainError as exc:
            form.add_error("file", exc.message)
            for line in exc.errors:
                form.add_error("file", line)
        else:
            if result.ok:
                if result.changed:
                    messages.success(
                        request,
                        ngettext("%(count)d score imported.", "%(count)d scores imported.", result.changed)
                        % {"count": result.changed},
                    )
                else:
                    messages.info(request, _("The file holds the same scores as the grid: nothing changed."))
                return redirect("scoring:sheet_grid", town_obj.slug, month, sheet_obj.pk)
    return render(
        request,
        "scoring/sheet_import.html",
        {
            "town": town_obj,
            "period": period,
            "month": month,
            "sheet": sheet_obj,
            "form": form,
            "result": result,
            "read_only": _read_only_reason(request, sheet_obj),
        },
    )


@login_required
def sheet_template(request: HttpRequest, town: str, month: str, sheet: int) -> HttpResponse:
    town_obj, period, sheet_obj = _load(request, town, month, sheet, Action.VIEW_RESULTS)
    return spreadsheets.xlsx_response(
        importing.sheet_template(sheet_obj),
        filename=f"{town_obj.name}-{month}-{sheet_obj.scheme.name}.xlsx",
        fallback=f"{town_obj.slug}-{month}-{sheet_obj.scheme.population}-scores.xlsx",
    )

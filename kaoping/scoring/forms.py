"""Forms of the score grid and of bonuses and deductions.

The grid is not a Django form: its fields are named after the cells (`v-<cadre>-<indicator>` for a
value, `n-<cadre>-<indicator>` for an evidence note) and only changed cells are posted. `grid_input`
reads them and checks each cell with the service's own rule, so that every error can be shown next
to its cell; the service checks again, and decides.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kaoping.core import spreadsheets, text
from kaoping.core.forms import TextField
from kaoping.core.numbers import NumberError, parse_number
from kaoping.core.params import id_param
from kaoping.indicators.models import AdjustmentReason, Indicator
from kaoping.people.models import Cadre, Population

from .models import ExcuseReason, ScoreEntry, SheetStatus
from .services import Cell, ShareInput, cell_problem, parse_value

_CELL = re.compile(r"^([vnr])-(\d+)-(\d+)$")
NOTE_MAX = 500

Key = tuple[int, int]  # (cadre id, indicator id)


@dataclass
class GridInput:
    """The cells of one save: what to hand to the service, and what to show again if it fails."""

    cells: list[Cell] = field(default_factory=list)
    values: dict[Key, str] = field(default_factory=dict)  # the values as typed
    notes: dict[Key, str] = field(default_factory=dict)  # the notes as typed
    errors: dict[Key, str] = field(default_factory=dict)


def grid_input(
    data: QueryDict, *, indicators: dict[int, Indicator], existing: dict[Key, ScoreEntry]
) -> GridInput:
    """The changed cells posted from the grid, each checked by the rule of `services.cell_problem`.

    A cell whose value is posted keeps its stored note unless a note is posted too, and the other way
    round. Clearing a value clears its note. `r-<cadre>-<indicator>` carries the version the cell was
    loaded with (the grid's script adds it for each changed cell).
    """
    posted: dict[Key, dict[str, str]] = {}
    for name in data:
        if match := _CELL.match(name):
            kind, cadre_id, indicator_id = match.groups()
            posted.setdefault((int(cadre_id), int(indicator_id)), {})[kind] = data.get(name, "")
    result = GridInput()
    for key, fields in posted.items():
        if "v" not in fields and "n" not in fields:
            continue  # a version alone changes nothing
        entry = existing.get(key)
        version = int(fields["r"]) if fields.get("r", "").isdigit() and len(fields["r"]) < 10 else None
        value = fields["v"].strip() if "v" in fields else (f"{entry.value}" if entry else "")
        note = fields["n"].strip() if "n" in fields else (entry.note if entry else "")
        if "v" in fields:
            result.values[key] = value
        if "n" in fields:
            result.notes[key] = note
        if not value and "n" not in fields:
            note = ""  # the score is cleared, and its evidence with it
        if problem := _cell_error(indicators.get(key[1]), value, note):
            result.errors[key] = problem
            continue
        result.cells.append(Cell(key[0], key[1], value or None, note, version))
    return result


def _cell_error(indicator: Indicator | None, value: str, note: str) -> str:
    if indicator is None:
        return ""  # the service refuses cells outside the sheet
    if len(note) > NOTE_MAX:
        return _("The evidence note is too long.")
    if problem := text.control_problem(note, multiline=True):
        return problem
    if not value:
        return _("Enter a score before its evidence note.") if note else ""
    try:
        number = parse_value(value)
    except NumberError as exc:
        return exc.message
    assert number is not None  # not blank
    return cell_problem(indicator, number) or ""


class ExcusalForm(forms.Form):
    cadre = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = forms.ChoiceField(label=gettext_lazy("Why not scored"), choices=ExcuseReason.choices)
    note = TextField(label=gettext_lazy("Details"), max_length=200, required=False)


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=SheetStatus.choices)
    reason = TextField(label=gettext_lazy("Reason"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{spreadsheets.XLSX_CONTENT_TYPE}"}),
    )


@dataclass
class ShareRow:
    """One cadre-and-points row of the adjustment form, as typed."""

    cadre: str = ""
    points: str = ""
    error: str = ""


def reason_label(reason: AdjustmentReason) -> str:
    if reason.default_points is None:
        return reason.name
    return _("%(name)s (usually %(points)s points)") % {
        "name": reason.name,
        "points": f"{reason.default_points.normalize():f}",
    }


class AdjustmentForm(forms.Form):
    """A bonus or deduction incident; its share rows (`cadre`, `points`, repeated) are read alongside."""

    reason = forms.TypedChoiceField(label=pgettext_lazy("adjustment catalogue", "Reason"), coerce=int)
    title = TextField(
        label=gettext_lazy("What happened"),
        max_length=200,
        help_text=gettext_lazy("One line, e.g. the incident or the honour and its date."),
    )
    evidence = TextField(
        label=gettext_lazy("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Document numbers, notices, where the proof is kept."),
    )
    BLANK_ROWS = 3

    def __init__(self, *args, reasons: Iterable[AdjustmentReason], cadres: Iterable[Cadre], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {r.pk: r for r in reasons}
        self.cadres = {c.pk: c for c in cadres}
        groups: dict[str, list[tuple[int, str]]] = {}
        for reason in self.reasons.values():
            label = f"{reason.scheme.get_population_display()} · {reason.get_kind_display()}"
            groups.setdefault(label, []).append((reason.pk, reason_label(reason)))
        self.fields["reason"].choices = [("", "—"), *groups.items()]
        if self.is_bound:
            cadre_ids = self.data.getlist("cadre")
            points = self.data.getlist("points")
            self.share_rows = [
                ShareRow(c.strip(), p.strip())
                for c, p in zip(cadre_ids, points, strict=False)
                if c or p.strip()
            ]
        else:
            self.share_rows = []
        while len(self.share_rows) < self.BLANK_ROWS:
            self.share_rows.append(ShareRow())

    def clean_reason(self) -> AdjustmentReason:
        return self.reasons[self.cleaned_data["reason"]]  # the choices hold only these

    def clean(self):
        values = super().clean()
        self.shares: list[ShareInput] = []
        for row in self.share_rows:
            if not row.cadre and not row.points:
                continue
            cadre = self.cadres.get(id_param(row.cadre))
            if cadre is None:
                row.error = _("Choose a cadre.")
                continue
            if not row.points:
                row.error = _("Enter the points as a number, e.g. 0.5.")
                continue
            try:
                points = parse_number(row.points, max_digits=6, decimal_places=2, allow_negative=True)
            except NumberError as exc:
                row.error = exc.message
                continue
            self.shares.append(ShareInput(cadre, points))
        if any(row.error for row in self.share_rows):
            raise forms.ValidationError(_("Check the cadres and their points below."))
        return values


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = TextField(label=gettext_lazy("Note"), max_length=500, required=False)

    def clean(self):
        values = super().clean()
        if values.get("decision") == "reject" and not values.get("note", "").strip():
            self.add_error("note", _("Say why it is rejected."))
        return values


def cadre_choices(cadres: Iterable[Cadre]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The cadres as select options grouped by population, each with position and workplace."""
    groups: dict[str, list[tuple[int, str]]] = {str(label): [] for _value, label in Population.choices}
    for cadre in cadres:
        place = f" · {cadre.workplace}" if cadre.workplace else ""
        groups[cadre.get_population_display()].append((cadre.pk, f"{cadre.name}（{cadre.position}{place}）"))
    return [(label, options) for label, options in groups.items() if options]

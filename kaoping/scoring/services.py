"""Writes of monthly scoring: months, score grids and their workflow, bonuses and deductions.

Every write validates first and changes nothing on any error; every change to a score or an
adjustment and every workflow move is audited with who, when, old and new. After a write that
changes a month's inputs, the month's stored results are recomputed (`results.period_recompute`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, can_for_population, require_duties_apart
from kaoping.audit.services import Event, record, record_many
from kaoping.core import events
from kaoping.core.errors import DomainError
from kaoping.core.numbers import largest, parse_number
from kaoping.indicators import rules
from kaoping.indicators.models import AdjustmentReason, Indicator, RuleKind, Scheme
from kaoping.people.models import Cadre, Town
from kaoping.people.selectors import roster

from . import notices
from .completeness import sheet_gaps
from .models import (
    Adjustment,
    AdjustmentShare,
    AdjustmentStatus,
    Excusal,
    ExcuseReason,
    Period,
    PeriodStatus,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
)

# The workflow of a score sheet: (from, to) → the action that allows the move.
SHEET_MOVES: dict[tuple[str, str], Action] = {
    (SheetStatus.DRAFT, SheetStatus.SUBMITTED): Action.ENTER_SCORES,
    (SheetStatus.SUBMITTED, SheetStatus.APPROVED): Action.APPROVE_SCORES,
    (SheetStatus.SUBMITTED, SheetStatus.DRAFT): Action.APPROVE_SCORES,  # returned to the scorers
    (SheetStatus.APPROVED, SheetStatus.DRAFT): Action.APPROVE_SCORES,  # reopened while the month is open
}
# The first steps of the scoring workflows, in words, for the duties-apart rule (`require_duties_apart`).
SUBMITTED_SHEET = gettext_lazy("submitted this score sheet")
REGISTERED_ADJUSTMENT = gettext_lazy("registered this bonus or deduction")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def period_open(*, actor: User, town: Town, month: date) -> Period:
    """Open a month for scoring, with a score sheet for each of the year's schemes."""
    month = first_of_month(month)
    if Period.objects.filter(town=town, month=month).exists():
        raise DomainError(_("%(month)s is already open.") % {"month": f"{month:%Y-%m}"})
    schemes = list(Scheme.objects.filter(town=town, year=month.year))
    if not schemes:
        raise DomainError(
            _("There is no scheme for %(year)d yet; build the year's schemes first.") % {"year": month.year}
        )
    period = Period.objects.create(town=town, month=month)
    sheets = ScoreSheet.objects.bulk_create(ScoreSheet(period=period, scheme=s) for s in schemes)
    record(
        actor=actor,
        action="period.open",
        target=period,
        town=town,
        new={"month": month, "status": period.status},
    )
    notices.period_opened(period, sheets, actor)
    return period


@dataclass(frozen=True)
class Cell:
    """One cell of the grid as submitted: a value (None clears it), its evidence note, and the
    `version` of the cell the change was based on (0: the cell was empty), as the grid loaded it."""

    cadre_id: int
    indicator_id: int
    value: str | Decimal | None
    note: str = ""
    version: int | None = None


@dataclass(frozen=True)
class Conflict:
    """A cell changed by someone else since the save's base: what it holds now, and who changed it."""

    cadre_id: int
    indicator_id: int
    label: str  # "张伟 · 1.1"
    value: str  # "" when it was cleared
    note: str
    version: int  # 0 when it was cleared
    by: str


class StaleSave(DomainError):
    """A save refused because some of its cells changed meanwhile; `conflicts` says how."""

    def __init__(self, message: str, *, conflicts: list[Conflict]) -> None:
        super().__init__(
            message,
            errors=[
                _("%(cell)s is now “%(value)s” (changed by %(by)s).")
                % {"cell": c.label, "value": c.value or _("empty"), "by": c.by}
                for c in conflicts
            ],
        )
        self.conflicts = conflicts


_VALUE_FIELD = ScoreEntry._meta.get_field("value")


def parse_value(raw: str | Decimal | float | int | None) -> Decimal | None:
    """A grid cell or an Excel cell as a score entry's value (None: blank), or `NumberError`.

    The one parser of typed numbers (`kaoping.core.numbers`), within the digits of the value column;
    a minus sign is read, so that `cell_problem` can say that a score cannot be negative.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_number(
        raw,
        max_digits=_VALUE_FIELD.max_digits,
        decimal_places=_VALUE_FIELD.decimal_places,
        allow_negative=True,
    )


def stored_problem(value: Decimal) -> str | None:
    """Why a value read from the database cannot be a score (too many digits for its column), or None.

    Such a value was stored before numbers were checked; the grid shows it as refused, to be cleared.
    """
    most = largest(_VALUE_FIELD.max_digits, _VALUE_FIELD.decimal_places)
    if value.is_finite() and abs(value) <= most:
        return None
    return _("This value is too large: at most %(max)s. Clear it or enter the right value.") % {
        "max": f"{most:f}"
    }


def cell_problem(indicator: Indicator, value: Decimal) -> str | None:
    """What is wrong with `value` for `indicator`, or None: the grid's and the import's one rule.

    Also says what is wrong with a value stored before it was checked (too many digits for the
    column), so that the grid can show it as refused and it can be cleared.
    """
    if problem := stored_problem(value):
        return problem
    if value < 0:
        return _("A score cannot be negative.")
    if value != value.quantize(Decimal("0.01")):
        return _("At most two decimal places.")
    kind = indicator.rule_kind
    if kind == RuleKind.MANUAL and value > indicator.max_score:
        return _("The maximum for %(code)s is %(max)s.") % {
            "code": indicator.code,
            "max": indicator.max_score,
        }
    if kind in (RuleKind.PASS_FAIL, RuleKind.VETO) and value not in (0, 1):
        return _("Enter 1 (passed) or 0 (failed).")
    if (
        kind == RuleKind.RANK
        and not indicator.proportional
        and (value < 1 or value != value.to_integral_value())
    ):
        return _("Enter the rank: a whole number from 1.")
    if kind == RuleKind.PER_OCCURRENCE and value != value.to_integral_value():
        return _("Enter how many times: a whole number.")
    return None


def _limit(indicator: Indicator) -> Decimal | None:
    if indicator.rule_kind == RuleKind.MANUAL:
        return indicator.max_score
    if indicator.rule_kind in (RuleKind.PASS_FAIL, RuleKind.VETO):
        return Decimal(1)
    return None


def _require_sheet_editable(actor: User, sheet: ScoreSheet) -> None:
    town = sheet.period.town
    if not can_for_population(actor, Action.ENTER_SCORES, town, sheet.scheme.population):
        raise DomainError(_("You do not score this population."))
    if not sheet.period.is_open:
        raise DomainError(_("%(month)s is closed: scores can no longer change.") % {"month": sheet.period})
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(
            _("This score sheet is %(status)s; it must be returned to draft before scores change.")
            % {"status": sheet.get_status_display()}
        )


def _stale(entry: ScoreEntry | None, cell: Cell, based_on_revision: int | None, sheet: ScoreSheet) -> bool:
    """True when the cell changed since the save's base, so that saving it would lose that change.

    The grid sends each cell's own version (exact). An Excel import carries the sheet's revision at
    the template's download: a cell changed after it is stale, and so is an empty cell the file fills
    if any cell was cleared after it (which ones the sheet does not keep).
    """
    if cell.version is not None:
        return (entry.version if entry else 0) != cell.version
    if based_on_revision is None:
        return True  # no base: the change cannot be shown to have seen the cell as it is
    if entry is not None:
        return entry.version > based_on_revision
    return cell.value is not None and sheet.cleared_revision > based_on_revision


@transaction.atomic
def entries_save(
    *, actor: User, sheet: ScoreSheet, cells: list[Cell], based_on_revision: int | None = None
) -> int:
    """Save a batch of grid cells all or nothing; returns how many cells changed.

    Each cell carries the version it was based on (`Cell.version`, from the grid), or the whole
    batch the sheet's revision it was based on (`based_on_revision`, from an Excel template). The
    sheet row is locked for the whole save, so two saves of one sheet run one after the other, and a
    cell changed since its base is refused (`StaleSave`, with what the cell holds now) instead of
    being overwritten unseen. Cells of a cadre excused for the month are refused.

    Raises DomainError listing every bad cell (cadre, indicator, reason) and changes nothing.
    """
    sheet = ScoreSheet.objects.select_for_update().select_related("period__town", "scheme").get(pk=sheet.pk)
    _require_sheet_editable(actor, sheet)
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme=sheet.scheme)}
    # The saved cells' cadres on the month's roster (`sheet_cadres`' rule): nobody else has a cell.
    # Only their names are needed here, not their departments or villages.
    period = sheet.period
    on_roster = roster(
        period.town_id, period.month, sheet.scheme.population, only={c.cadre_id for c in cells}
    )
    names = dict(Cadre.objects.filter(pk__in=on_roster.keys()).values_list("pk", "name"))
    # Only the saved cells' cadres' entries: saving one cell reads one cadre's row, not the sheet.
    existing = {
        (e.cadre_id, e.indicator_id): e
        for e in ScoreEntry.objects.filter(sheet=sheet, cadre_id__in={cell.cadre_id for cell in cells})
        .select_for_update()
        .select_related("updated_by")
    }
    excused = dict(Excusal.objects.filter(sheet=sheet).values_list("cadre_id", "reason"))
    problems: list[str] = []
    conflicts: list[Conflict] = []
    parsed: list[tuple[Cell, Decimal | None]] = []
    for cell in cells:
        name, indicator = names.get(cell.cadre_id), indicators.get(cell.indicator_id)
        if name is None or indicator is None:
            problems.append(_("A cell refers to a cadre or indicator outside this sheet."))
            continue
        if cell.cadre_id in excused:
            problems.append(
                _("%(name)s is marked not scored this month (%(reason)s): remove the mark before scoring.")
                % {"name": name, "reason": ExcuseReason(excused[cell.cadre_id]).label}
            )
            continue
        try:
            value = parse_value(cell.value)
        except ValueError as exc:
            problems.append(f"{name} · {indicator.code}: {exc}")
            continue
        if value is not None and (problem := cell_problem(indicator, value)):
            problems.append(f"{name} · {indicator.code}: {problem}")
            continue
        if len(cell.note) > 500:
            problems.append(f"{name} · {indicator.code}: " + _("The evidence note is too long."))
            continue
        entry = existing.get((cell.cadre_id, cell.indicator_id))
        unchanged = (entry.value if entry else None) == value and (entry.note if entry else "") == (
            cell.note if value is not None else ""
        )
        if not unchanged and _stale(entry, cell, based_on_revision, sheet):
            conflicts.append(
                Conflict(
                    cell.cadre_id,
                    cell.indicator_id,
                    f"{name} · {indicator.code}",
                    _shown(entry.value) if entry else "",
                    entry.note if entry else "",
                    entry.version if entry else 0,
                    str(entry.updated_by) if entry else _("someone else"),
                )
            )
            continue
        parsed.append((cell, value))
    if problems:
        raise DomainError(
            ngettext(
                "Nothing was saved: %(count)d cell needs fixing.",
                "Nothing was saved: %(count)d cells need fixing.",
                len(problems),
            )
            % {"count": len(problems)},
            errors=problems,
        )
    if conflicts:
        raise StaleSave(
            ngettext(
                "Nothing was saved: %(count)d cell was changed by someone else after you loaded it.",
                "Nothing was saved: %(count)d cells were changed by someone else after you loaded them.",
                len(conflicts),
            )
            % {"count": len(conflicts)},
            conflicts=conflicts,
        )
    revision = sheet.revision + 1

    to_create, to_update, to_delete, events = [], [], [], []
    cleared: list[tuple[int, int]] = []  # the (cadre, indicator) of the cells emptied
    for cell, value in parsed:
        key = (cell.cadre_id, cell.indicator_id)
        entry = existing.get(key)
        label = f"{names[cell.cadre_id]} · {indicators[cell.indicator_id].code}"
        if value is None:
            if entry is not None:
                to_delete.append(entry.pk)
                cleared.append(key)
                events.append(
                    Event(
                        "score.delete",
                        target=entry,
                        town=sheet.period.town,
                        object_repr=label,
                        old={"value": entry.value, "note": entry.note},
                    )
                )
            continue
        if entry is None:
            entry = ScoreEntry(
                sheet=sheet,
                cadre_id=cell.cadre_id,
                indicator_id=cell.indicator_id,
                value=value,
                limit=_limit(indicators[cell.indicator_id]),
                note=cell.note,
                updated_by=actor,
                version=revision,
            )
            to_create.append(entry)
            continue
        if entry.value == value and entry.note == cell.note:
            continue
        events.append(
            Event(
                "score.update",
                target=entry,
                town=sheet.period.town,
                object_repr=label,
                old={"value": entry.value, "note": entry.note},
                new={"value": value, "note": cell.note},
            )
        )
        entry.value, entry.note, entry.updated_by = value, cell.note, actor
        entry.limit = _limit(indicators[cell.indicator_id])
        entry.version = revision
        to_update.append(entry)
    ScoreEntry.objects.filter(pk__in=to_delete).delete()
    ScoreEntry.objects.bulk_update(
        to_update, ["value", "note", "updated_by", "limit", "updated_at", "version"]
    )
    created = ScoreEntry.objects.bulk_create(to_create)
    events += [
        Event(
            "score.create",
            target=e,
            town=sheet.period.town,
            object_repr=f"{names[e.cadre_id]} · {indicators[e.indicator_id].code}",
            new={"value": e.value, "note": e.note},
        )
        for e in created
    ]
    record_many(actor=actor, events=events)
    changed = len(to_delete) + len(to_update) + len(created)
    if changed:
        sheet.revision = revision
        if to_delete:
            sheet.cleared_revision = revision
        sheet.save(update_fields=["revision", "cleared_revision"])
        written = [(e.cadre_id, e.indicator_id) for e in (*to_update, *created)]
        _changed(sheet, actor, cells=cleared + written)
    return changed


def _changed(sheet: ScoreSheet, actor: User, *, cells: list[tuple[int, int]] | None = None) -> None:
    """A sheet's cells or excusals changed: the month's results are computed now, only those of the
    sheet's population (its scheme) when the month's other results are stored already; `cells`, the
    (cadre, indicator) of the cells saved, when only cells changed: only those cadres' results may
    then be computed again (`results.period_recompute`)."""
    period = sheet.period
    events.inputs_changed(
        sender=ScoreSheet,
        town=period.town,
        months=[period.month],
        actor=actor,
        schemes=[sheet.scheme_id],
        cells=cells or (),
    )


def _shown(value: Decimal) -> str:
    """A stored value as the grid shows it: 4.5 rather than 4.50."""
    return rules.number(value)


@transaction.atomic
def excusal_set(*, actor: User, sheet: ScoreSheet, cadre: Cadre, reason: str, note: str = "") -> Excusal:
    """Mark a cadre not scored this month, with the reason (leave, new in post …), on a draft sheet.

    The cadre then needs no scores for the sheet to be submitted, and gets no result for the month:
    they are left out of its ranking, never ranked at 0. A cadre with scores on the sheet cannot be
    excused until those are cleared, so that a result is never made of a part of a month.
    """
    sheet = ScoreSheet.objects.select_for_update().select_related("period__town", "scheme").get(pk=sheet.pk)
    _require_sheet_editable(actor, sheet)
    if cadre.pk not in roster(sheet.period.town_id, sheet.period.month, sheet.scheme.population):
        raise DomainError(_("This cadre is not on this score sheet."))
    if reason not in ExcuseReason.values:
        raise DomainError(_("Choose why the cadre is not scored."))
    note = note.strip()
    if len(note) > 200:
        raise DomainError(_("The details are too long (at most 200 characters)."))
    if reason == ExcuseReason.OTHER and not note:
        raise DomainError(_("Say why the cadre is not scored."))
    scored = ScoreEntry.objects.filter(sheet=sheet, cadre=cadre).count()
    if scored:
        raise DomainError(
            ngettext(
                "%(name)s has %(count)d score this month: clear it before marking them not scored.",
                "%(name)s has %(count)d scores this month: clear them before marking them not scored.",
                scored,
            )
            % {"name": cadre.name, "count": scored}
        )
    excusal, created = Excusal.objects.get_or_create(
        sheet=sheet, cadre=cadre, defaults={"reason": reason, "note": note, "created_by": actor}
    )
    old = {} if created else {"reason": excusal.reason, "note": excusal.note}
    if not created:
        excusal.reason, excusal.note, excusal.created_by = reason, note, actor
        excusal.save()
    record(
        actor=actor,
        action="excusal.create" if created else "excusal.update",
        target=excusal,
        town=sheet.period.town,
        object_repr=f"{cadre.name} · {sheet}",
        old=old,
        new={"reason": reason, "note": note},
    )
    _changed(sheet, actor)
    return excusal


@transaction.atomic
def excusal_clear(*, actor: User, sheet: ScoreSheet, cadre: Cadre) -> None:
    """Remove a cadre's "not scored this month" mark: their cells are to be scored again."""
    sheet = ScoreSheet.objects.select_for_update().select_related("period__town", "scheme").get(pk=sheet.pk)
    _require_sheet_editable(actor, sheet)
    excusal = Excusal.objects.filter(sheet=sheet, cadre=cadre).first()
    if excusal is None:
        raise DomainError(_("%(name)s is not marked as not scored.") % {"name": cadre.name})
    record(
        actor=actor,
        action="excusal.delete",
        target=excusal,
        town=sheet.period.town,
        object_repr=f"{cadre.name} · {sheet}",
        old={"reason": excusal.reason, "note": excusal.note},
    )
    excusal.delete()
    _changed(sheet, actor)


def _require_complete(sheet: ScoreSheet) -> None:
    """Refuse a sheet with empty cells whose cadre is not excused: an empty cell is never a zero."""
    gaps = sheet_gaps(sheet)
    if gaps.unscored:
        raise DomainError(
            _(
                "%(cells)d cells of %(cadres)d cadres are empty. An empty cell is never a zero: score "
                "them, or mark the cadre not scored this month with the reason (leave, new in post …)."
            )
            % {"cells": gaps.unscored, "cadres": len(gaps.missing)},
            errors=gaps.missing_lines(),
        )


@transaction.atomic
def sheet_move(*, actor: User, sheet: ScoreSheet, to: str, reason: str = "") -> ScoreSheet:
    """Move a score sheet through draft → submitted → approved (or back), refusing illegal moves."""
    sheet = ScoreSheet.objects.select_for_update().select_related("period__town", "scheme").get(pk=sheet.pk)
    action = SHEET_MOVES.get((sheet.status, to))
    if action is None:
        raise DomainError(
            _("A sheet that is %(current)s cannot become %(target)s.")
            % {"current": sheet.get_status_display(), "target": SheetStatus(to).label}
        )
    if not can_for_population(actor, action, sheet.period.town, sheet.scheme.population):
        raise DomainError(_("You are not allowed to do this."))
    if not sheet.period.is_open:
        raise DomainError(_("%(month)s is closed: scores can no longer change.") % {"month": sheet.period})
    if to == SheetStatus.APPROVED:
        require_duties_apart(actor, sheet.submitted_by_id, first_step=str(SUBMITTED_SHEET))
    if to in (SheetStatus.SUBMITTED, SheetStatus.APPROVED):
        _require_complete(sheet)
    if to == SheetStatus.DRAFT and sheet.status == SheetStatus.SUBMITTED and not reason.strip():
        raise DomainError(_("Say why the sheet is returned."))
    old = sheet.status
    sheet.status = to
    now = timezone.now()
    if to == SheetStatus.SUBMITTED:
        sheet.submitted_by, sheet.submitted_at = actor, now
    elif to == SheetStatus.APPROVED:
        sheet.approved_by, sheet.approved_at = actor, now
    else:
        sheet.approved_by = sheet.approved_at = None
    sheet.save()
    record(
        actor=actor,
        action="sheet.move",
        target=sheet,
        town=sheet.period.town,
        old={"status": old},
        new={"status": to},
        note=reason,
    )
    notices.sheet_moved(sheet, old, actor, reason)
    return sheet


def _refuse_published(period: Period) -> None:
    """A bonus or deduction never enters a published month: it is frozen."""
    if period.status == PeriodStatus.PUBLISHED:
        raise DomainError(
            _(
                "%(month)s is published and frozen: no bonus or deduction can be registered or decided "
                "in it. Register it in a month still open, or have the month corrected."
            )
            % {"month": period}
        )


def _refuse_excused(period: Period, cadre_ids, *, remedy: str) -> None:
    """Refuse a bonus or deduction for a cadre not scored in the month: an excused cadre has no result,
    so their share would be applied nowhere, without a word."""
    excusal = (
        Excusal.objects.filter(sheet__period=period, cadre_id__in=list(cadre_ids))
        .select_related("cadre")
        .order_by("cadre__name", "pk")
        .first()
    )
    if excusal is not None:
        raise DomainError(
            _(
                "%(name)s is not scored in %(month)s (%(reason)s): a bonus or deduction for them would not "
                "be applied. %(remedy)s"
            )
            % {"name": excusal.cadre.name, "month": period, "reason": excusal.label, "remedy": remedy}
        )


@dataclass(frozen=True)
class ShareInput:
    cadre: Cadre
    points: Decimal


@transaction.atomic
def adjustment_create(
    *,
    actor: User,
    period: Period,
    reason: AdjustmentReason,
    title: str,
    evidence: str,
    shares: list[ShareInput],
) -> Adjustment:
    """Register one bonus or deduction incident, shared among one or more cadres (一岗双责)."""
    town = period.town
    if not can(actor, Action.MANAGE_ADJUSTMENTS, town):
        raise DomainError(_("You are not allowed to do this."))
    _refuse_published(period)
    if not period.is_open:
        raise DomainError(_("%(month)s is closed: scores can no longer change.") % {"month": period})
    if reason.scheme.town_id != town.pk or reason.scheme.year != period.month.year:
        raise DomainError(_("This reason is not in this year's schemes of the town."))
    if not title.strip():
        raise DomainError(_("Say what happened."))
    if not shares:
        raise DomainError(_("Name at least one cadre."))
    seen = set()
    in_post = roster(town, period.month)
    for share in shares:
        if share.cadre.town_id != town.pk:
            raise DomainError(_("This cadre belongs to another town."))
        if share.cadre.pk not in in_post:
            raise DomainError(
                _("%(name)s was not in post in %(month)s.") % {"name": share.cadre.name, "month": period}
            )
        if share.cadre.pk in seen:
            raise DomainError(_("%(name)s is named twice.") % {"name": share.cadre.name})
        seen.add(share.cadre.pk)
        if share.points <= 0:
            raise DomainError(_("Points are entered as positive numbers; the kind says bonus or deduction."))
    _refuse_excused(
        period,
        seen,
        remedy=_(
            "Leave them out of this bonus or deduction, or clear their “not scored this month” mark on the "
            "score sheet first."
        ),
    )
    adjustment = Adjustment.objects.create(
        period=period,
        reason=reason,
        kind=reason.kind,
        title=title.strip(),
        evidence=evidence,
        created_by=actor,
    )
    AdjustmentShare.objects.bulk_create(
        AdjustmentShare(adjustment=adjustment, cadre=s.cadre, points=s.points) for s in shares
    )
    record(
        actor=actor,
        action="adjustment.create",
        target=adjustment,
        town=town,
        new={
            "kind": reason.kind,
            "reason": reason.name,
            "title": adjustment.title,
            "shares": {s.cadre.name: s.points for s in shares},
        },
    )
    notices.adjustment_registered(adjustment, actor)
    return adjustment


@transaction.atomic
def adjustment_decide(*, actor: User, adjustment: Adjustment, approve: bool, note: str = "") -> Adjustment:
    """Approve or reject a registered adjustment; approving changes the month's results."""
    adjustment = Adjustment.objects.select_for_update().select_related("period__town").get(pk=adjustment.pk)
    town = adjustment.period.town
    if not can(actor, Action.APPROVE_ADJUSTMENTS, town):
        raise DomainError(_("You are not allowed to do this."))
    require_duties_apart(actor, adjustment.created_by_id, first_step=str(REGISTERED_ADJUSTMENT))
    if adjustment.status != AdjustmentStatus.DRAFT:
        raise DomainError(_("This has already been decided."))
    _refuse_published(adjustment.period)
    if not adjustment.period.is_open:
        raise DomainError(
            _("%(month)s is closed: scores can no longer change.") % {"month": adjustment.period}
        )
    if approve:
        _refuse_excused(
            adjustment.period,
            adjustment.shares.values_list("cadre_id", flat=True),
            remedy=_("Reject it, or clear their “not scored this month” mark on the score sheet first."),
        )
    old = adjustment.status
    adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
    adjustment.decided_by, adjustment.decided_at = actor, timezone.now()
    adjustment.save()
    record(
        actor=actor,
        action="adjustment.decide",
        target=adjustment,
        town=town,
        old={"status": old},
        new={"status": adjustment.status},
        note=note,
    )
    notices.adjustment_decided(adjustment)
    if approve:
        cause = _("Bonus or deduction approved: %(title)s") % {"title": adjustment.title}
        events.inputs_changed(
            sender=Adjustment,
            town=adjustment.period.town,
            months=[adjustment.period.month],
            actor=actor,
            cause=cause,
            and_later=True,
        )
    return adjustment

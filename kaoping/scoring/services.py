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

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, can_for_population
from kaoping.audit import services as audit
from kaoping.audit.services import Event, record, record_many
from kaoping.core.errors import DomainError
from kaoping.core.numbers import largest, parse_number
from kaoping.indicators.models import AdjustmentReason, Indicator, RuleKind, Scheme
from kaoping.people.models import Cadre, Town

from . import results
from .models import (
    Adjustment,
    AdjustmentShare,
    AdjustmentStatus,
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
PERIOD_MOVES = {
    (PeriodStatus.OPEN, PeriodStatus.CLOSED),
    (PeriodStatus.CLOSED, PeriodStatus.OPEN),
    (PeriodStatus.CLOSED, PeriodStatus.PUBLISHED),
}


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
    ScoreSheet.objects.bulk_create(ScoreSheet(period=period, scheme=s) for s in schemes)
    record(
        actor=actor,
        action="period.open",
        target=period,
        town=town,
        new={"month": month, "status": period.status},
    )
    return period


@transaction.atomic
def period_move(*, actor: User, period: Period, to: str) -> Period:
    """Close, reopen or publish a month. Publishing needs every score sheet approved."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if (period.status, to) not in PERIOD_MOVES:
        raise DomainError(
            _("A month that is %(current)s cannot become %(target)s.")
            % {"current": period.get_status_display(), "target": PeriodStatus(to).label}
        )
    if to == PeriodStatus.PUBLISHED:
        pending = period.sheets.exclude(status=SheetStatus.APPROVED).select_related("scheme")
        if pending:
            raise DomainError(
                _("Not every score sheet is approved yet: %(sheets)s.")
                % {"sheets": "、".join(str(s.scheme) for s in pending)}
            )
        results.period_recompute(period)
        period.published_at = timezone.now()
    old = period.status
    period.status = to
    period.save(update_fields=["status", "published_at"])
    record(
        actor=actor,
        action="period.move",
        target=period,
        town=period.town,
        old={"status": old},
        new={"status": to},
    )
    if to == PeriodStatus.PUBLISHED:
        period.audit_anchor = audit.anchor(reason=f"published {period.town.slug} {period}")
        period.save(update_fields=["audit_anchor"])
    return period


@dataclass(frozen=True)
class Cell:
    """One cell of the grid as submitted: a value (None clears it) and its evidence note."""

    cadre_id: int
    indicator_id: int
    value: str | Decimal | None
    note: str = ""


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


@transaction.atomic
def entries_save(*, actor: User, sheet: ScoreSheet, cells: list[Cell]) -> int:
    """Save a batch of grid cells all or nothing; returns how many cells changed.

    Raises DomainError listing every bad cell (cadre, indicator, reason) and changes nothing.
    """
    sheet = ScoreSheet.objects.select_for_update().select_related("period__town", "scheme").get(pk=sheet.pk)
    _require_sheet_editable(actor, sheet)
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme=sheet.scheme)}
    cadres = {
        c.pk: c for c in Cadre.objects.filter(town=sheet.period.town, population=sheet.scheme.population)
    }
    existing = {(e.cadre_id, e.indicator_id): e for e in ScoreEntry.objects.filter(sheet=sheet)}
    problems: list[str] = []
    parsed: list[tuple[Cell, Decimal | None]] = []
    for cell in cells:
        cadre, indicator = cadres.get(cell.cadre_id), indicators.get(cell.indicator_id)
        if cadre is None or indicator is None:
            problems.append(_("A cell refers to a cadre or indicator outside this sheet."))
            continue
        try:
            value = parse_value(cell.value)
        except ValueError as exc:
            problems.append(f"{cadre.name} · {indicator.code}: {exc}")
            continue
        if value is not None and (problem := cell_problem(indicator, value)):
            problems.append(f"{cadre.name} · {indicator.code}: {problem}")
            continue
        if len(cell.note) > 500:
            problems.append(f"{cadre.name} · {indicator.code}: " + _("The evidence note is too long."))
            continue
        parsed.append((cell, value))
    if problems:
        raise DomainError(
            _("Nothing was saved: %(count)d cells need fixing.") % {"count": len(problems)}, errors=problems
        )

    to_create, to_update, to_delete, events = [], [], [], []
    for cell, value in parsed:
        key = (cell.cadre_id, cell.indicator_id)
        entry = existing.get(key)
        label = f"{cadres[cell.cadre_id].name} · {indicators[cell.indicator_id].code}"
        if value is None:
            if entry is not None:
                to_delete.append(entry.pk)
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
        to_update.append(entry)
    ScoreEntry.objects.filter(pk__in=to_delete).delete()
    ScoreEntry.objects.bulk_update(to_update, ["value", "note", "updated_by", "limit", "updated_at"])
    created = ScoreEntry.objects.bulk_create(to_create)
    events += [
        Event(
            "score.create",
            target=e,
            town=sheet.period.town,
            object_repr=f"{cadres[e.cadre_id].name} · {indicators[e.indicator_id].code}",
            new={"value": e.value, "note": e.note},
        )
        for e in created
    ]
    record_many(actor=actor, events=events)
    changed = len(to_delete) + len(to_update) + len(created)
    if changed:
        results.period_recompute(sheet.period)
    return changed


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
    return sheet


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
    if not period.is_open:
        raise DomainError(_("%(month)s is closed: scores can no longer change.") % {"month": period})
    if reason.scheme.town_id != town.pk or reason.scheme.year != period.month.year:
        raise DomainError(_("This reason is not in this year's schemes of the town."))
    if not title.strip():
        raise DomainError(_("Say what happened."))
    if not shares:
        raise DomainError(_("Name at least one cadre."))
    seen = set()
    for share in shares:
        if share.cadre.town_id != town.pk:
            raise DomainError(_("This cadre belongs to another town."))
        if share.cadre.pk in seen:
            raise DomainError(_("%(name)s is named twice.") % {"name": share.cadre.name})
        seen.add(share.cadre.pk)
        if share.points <= 0:
            raise DomainError(_("Points are entered as positive numbers; the kind says bonus or deduction."))
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
    return adjustment


@transaction.atomic
def adjustment_decide(*, actor: User, adjustment: Adjustment, approve: bool, note: str = "") -> Adjustment:
    """Approve or reject a registered adjustment; approving changes the month's results."""
    adjustment = Adjustment.objects.select_for_update().select_related("period__town").get(pk=adjustment.pk)
    town = adjustment.period.town
    if not can(actor, Action.APPROVE_ADJUSTMENTS, town):
        raise DomainError(_("You are not allowed to do this."))
    if adjustment.created_by_id == actor.pk:
        raise DomainError(_("Whoever registers a bonus or deduction cannot also approve it."))
    if adjustment.status != AdjustmentStatus.DRAFT:
        raise DomainError(_("This has already been decided."))
    if not adjustment.period.is_open:
        raise DomainError(
            _("%(month)s is closed: scores can no longer change.") % {"month": adjustment.period}
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
    if approve:
        cause = _("Bonus or deduction approved: %(title)s") % {"title": adjustment.title}
        results.recompute_from(adjustment.period, actor=actor, cause=cause)
    return adjustment

"""Corrections of published months (更正): proposed by later inputs, published or declined by hand.

Publication freezes a month: its stored results and bases are what every page, export and later
computation reads. When an input changes afterwards (an evaluation round closed for its quarter, a
supervision item verified in the month, a bonus that moves the month's year caps),
`results.period_recompute` computes the month afresh and hands the computation to `propose`, which
compares it with the published rows and keeps the difference as the month's one pending
correction (created, refreshed, or withdrawn when nothing differs any more). The assessment office
(or the Party secretary) then publishes it as a numbered correction, which updates the month's rows
in place, or declines it with a reason. Every step is audited with the old and new values.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, require_duties_apart
from kaoping.audit.services import record
from kaoping.core.errors import DomainError
from kaoping.people.models import Cadre
from kaoping.scoring.models import Excusal, Period, PeriodStatus, ScoreEntry, ScoreSheet
from kaoping.scoring.services import cell_problem, parse_value

from . import results
from .models import (
    Correction,
    CorrectionStatus,
    MonthlyResult,
    ResultBasis,
    ScoreCorrection,
    ScoreCorrectionStatus,
)

CAUSED_CORRECTION = gettext_lazy("caused this correction")
PUBLISH_CONSEQUENCE = gettext_lazy(
    "Publishing the correction cannot be undone: the month's published totals and ranks change as "
    "listed, every cadre of the town sees them, and the correction keeps its number for good."
)
_DECIMALS = {"performance", "bonus", "deduction", "democratic", "total"}


def _row_data(row: results.Row) -> dict:
    """A computed row as the correction keeps it (JSON)."""
    data = {}
    for name in results.RESULT_FIELDS:
        value = getattr(row, name)
        data[name] = str(value) if isinstance(value, Decimal) else value
    data["cadre_id"] = row.cadre_id
    return data


def _row_from(period: Period, data: dict) -> results.Row:
    values = {
        k: (Decimal(v) if k in _DECIMALS and v is not None else v) for k, v in data.items() if k != "cadre_id"
    }
    return results.Row(period_id=period.pk, cadre_id=data["cadre_id"], **values)


def _standing(total, rank, group_rank) -> dict:
    return {"total": None if total is None else str(total), "rank": rank, "group_rank": group_rank}


def _changes(changes: results.Plan) -> list[dict]:
    """Each cadre whose published total or ranks would change (or who would be added or removed),
    with their name, old and new total and ranks; in order of the new rank."""
    new = {row.cadre_id: (row.total, row.rank, row.group_rank) for row in changes.update + changes.insert}
    old = changes.old
    moved = [
        cadre_id
        for cadre_id in old.keys() | new.keys()
        if cadre_id not in old or cadre_id not in new or old[cadre_id] != new[cadre_id]
    ]
    names = dict(Cadre.objects.filter(pk__in=moved).values_list("pk", "name"))
    lines = [
        {
            "cadre": cadre_id,
            "name": names.get(cadre_id, str(cadre_id)),
            "old": _standing(*old[cadre_id]) if cadre_id in old else None,
            "new": _standing(*new[cadre_id]) if cadre_id in new else None,
        }
        for cadre_id in moved
    ]
    return sorted(lines, key=lambda line: ((line["new"] or line["old"])["rank"], line["name"]))


def _shown(line: dict, side: str) -> str:
    """ "88.50 #3" for the audit log, or "—" when the cadre has no result on that side."""
    value = line[side]
    return "—" if value is None else f"{value['total']} #{value['rank']}"


def _audit_values(lines: list[dict]) -> tuple[dict, dict]:
    old = {f"{line['name']} ({line['cadre']})": _shown(line, "old") for line in lines}
    new = {f"{line['name']} ({line['cadre']})": _shown(line, "new") for line in lines}
    return old, new


def propose(
    period: Period,
    bases: list[ResultBasis],
    rows: list[results.Row],
    *,
    actor: User | None = None,
    cause: str = "",
) -> Correction | None:
    """Keep what a fresh computation of a published month changes as its pending correction.

    The month's rows are not touched. When the computation equals the published rows, a pending
    correction is withdrawn (none is left); otherwise the one pending correction of the month is
    created or refreshed with the changes and exactly the rows and bases publishing would write.
    Called by `results.period_recompute` inside its transaction, the month locked.
    """
    changes = results.plan(period, bases, rows)
    results.write_digests(changes)  # the published rows' content stays; only their digest is kept
    pending = (
        Correction.objects.select_for_update().filter(period=period, status=CorrectionStatus.PENDING).first()
    )
    if not changes:
        if pending is not None:
            old, _new = _audit_values(pending.changes)
            record(
                actor=actor,
                action="correction.withdraw",
                target=pending,
                town=period.town,
                old=old,
                note=cause,
            )
            pending.delete()
        return None
    proposed = {
        "rows": [_row_data(row) for row in changes.update + changes.insert],
        "removed": sorted(changes.delete),
        "bases": [
            {"scheme": b.scheme_id, "basis": b.basis} for b in changes.bases_update + changes.bases_insert
        ],
        "removed_bases": sorted(changes.bases_delete),
    }
    lines = _changes(changes)
    if pending is None:
        declined = (
            Correction.objects.filter(period=period, status=CorrectionStatus.DECLINED)
            .order_by("-decided_at")
            .values_list("proposed", flat=True)
            .first()
        )
        if declined == proposed:
            return None  # declined as it stands: raised again only when an input changes it further
    if pending is not None and pending.proposed == proposed:
        if cause and cause not in pending.causes:
            pending.causes = [*pending.causes, cause]
            pending.save(update_fields=["causes", "updated_at"])
        return pending
    old, new = _audit_values(lines)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if pending is None:
        pending = Correction.objects.create(
            town=period.town,
            period=period,
            year=period.month.year,
            causes=[cause] if cause else [],
            changes=lines,
            proposed=proposed,
            caused_by=user,
        )
        action = "correction.create"
    else:
        pending.causes = [*pending.causes, cause] if cause and cause not in pending.causes else pending.causes
        pending.changes, pending.proposed, pending.caused_by = lines, proposed, user
        pending.version += 1
        pending.save()
        action = "correction.update"
    record(actor=actor, action=action, target=pending, town=period.town, old=old, new=new, note=cause)
    return pending


def _lock(correction: Correction) -> Correction:
    return Correction.objects.select_for_update().select_related("period__town").get(pk=correction.pk)


def _require_decidable(actor: User, correction: Correction, based_on: int | None, reason: str) -> None:
    if not can(actor, Action.DECIDE_CORRECTIONS, correction.town):
        raise DomainError(_("You are not allowed to do this."))
    if correction.status != CorrectionStatus.PENDING:
        raise DomainError(_("This correction has already been decided."))
    if based_on is not None and based_on != correction.version:
        raise DomainError(
            _(
                "The correction changed after you opened it (another input changed the month): "
                "check the new figures and decide again."
            )
        )
    require_duties_apart(actor, correction.caused_by_id, first_step=str(CAUSED_CORRECTION))
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."))
    if len(reason) > 1000:
        raise DomainError(_("The reason is too long (at most 1,000 characters)."))


@transaction.atomic
def correction_publish(
    *, actor: User, correction: Correction, reason: str, based_on: int | None, confirmed: bool = False
) -> Correction:
    """Publish a pending correction as the next numbered correction (更正 第N号) of its town and year.

    The month's rows are updated in place to exactly the proposed rows (their ids stay) and its
    bases replaced; the correction keeps the old and new values as the record. Needs the reason,
    the version the decision was based on, and `confirmed=True` (`PUBLISH_CONSEQUENCE`).
    """
    Period.objects.select_for_update().filter(pk=correction.period_id).first()
    correction = _lock(correction)
    _require_decidable(actor, correction, based_on, reason)
    if not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": PUBLISH_CONSEQUENCE})
    period = correction.period
    proposed = correction.proposed
    rows = [_row_from(period, data) for data in proposed["rows"]]
    bases = [ResultBasis(period=period, scheme_id=b["scheme"], basis=b["basis"]) for b in proposed["bases"]]
    changes = results.plan(period, bases, rows, complete=False)
    stored = dict(
        MonthlyResult.objects.filter(period=period, cadre_id__in=proposed["removed"]).values_list(
            "cadre_id", "pk"
        )
    )
    changes.delete.update(stored)
    changes.bases_delete = list(
        ResultBasis.objects.filter(period=period, pk__in=proposed["removed_bases"]).values_list(
            "pk", flat=True
        )
    )
    results.write(changes)
    _settle_score_corrections(actor, period, applied=True)
    last = Correction.objects.filter(town=correction.town, year=correction.year).aggregate(n=Max("number"))[
        "n"
    ]
    correction.number = (last or 0) + 1
    correction.status = CorrectionStatus.PUBLISHED
    correction.decided_by, correction.decided_at, correction.reason = actor, timezone.now(), reason.strip()
    correction.save()
    old, new = _audit_values(correction.changes)
    record(
        actor=actor,
        action="correction.publish",
        target=correction,
        town=correction.town,
        old={"status": CorrectionStatus.PENDING, **old},
        new={"status": correction.status, "number": correction.number, **new},
        note=correction.reason,
    )
    return correction


@transaction.atomic
def correction_decline(
    *, actor: User, correction: Correction, reason: str, based_on: int | None
) -> Correction:
    """Decline a pending correction with a reason: the month's published results stay as they were."""
    correction = _lock(correction)
    _require_decidable(actor, correction, based_on, reason)
    _settle_score_corrections(actor, correction.period, applied=False)
    correction.status = CorrectionStatus.DECLINED
    correction.decided_by, correction.decided_at, correction.reason = actor, timezone.now(), reason.strip()
    correction.save()
    record(
        actor=actor,
        action="correction.decline",
        target=correction,
        town=correction.town,
        old={"status": CorrectionStatus.PENDING},
        new={"status": correction.status},
        note=correction.reason,
    )
    return correction


def cadre_corrections(period: Period, cadre_id: int) -> list[tuple[Correction, dict]]:
    """The published corrections of a month that changed the cadre's result, with the cadre's line."""
    found = []
    for correction in period.corrections.filter(status=CorrectionStatus.PUBLISHED).select_related(
        "decided_by"
    ):
        for line in correction.changes:
            if line["cadre"] == cadre_id:
                found.append((correction, line))
    return sorted(found, key=lambda pair: pair[0].number or 0)


def _settle_score_corrections(actor: User, period: Period, *, applied: bool) -> None:
    """The month's pending score corrections, decided with their correction: applied (the cell takes
    the corrected value, audited) or declined (the published value stays)."""
    pending = list(
        ScoreCorrection.objects.filter(sheet__period=period, status=ScoreCorrectionStatus.PENDING)
        .select_related("cadre", "indicator")
        .order_by("created_at", "pk")
    )
    for score in pending:
        score.status = ScoreCorrectionStatus.APPLIED if applied else ScoreCorrectionStatus.DECLINED
        score.save(update_fields=["status"])
        if applied:
            entry = ScoreEntry.objects.get(
                sheet_id=score.sheet_id, cadre=score.cadre, indicator=score.indicator
            )
            record(
                actor=actor,
                action="score.update",
                target=entry,
                town=period.town,
                object_repr=f"{score.cadre.name} · {score.indicator.code}",
                old={"value": entry.value},
                new={"value": score.value},
                note=score.reason,
            )
            entry.value = score.value
            entry.save(update_fields=["value", "updated_at"])


@transaction.atomic
def score_correct(
    *, actor: User, sheet: ScoreSheet, cadre: Cadre, indicator_id: int, value: str, reason: str
) -> Correction | None:
    """Propose a corrected value for one cell of a published month, with the reason.

    The published score and results stay; the value becomes an input of the month's pending
    correction, which shows what it changes and is published or declined as a whole.
    """
    sheet = ScoreSheet.objects.select_related("period__town", "scheme").get(pk=sheet.pk)
    period = sheet.period
    if not can(actor, Action.CORRECT_SCORES, period.town):
        raise DomainError(_("You are not allowed to do this."))
    if period.status != PeriodStatus.PUBLISHED:
        raise DomainError(_("%(month)s is not published: change the score on the sheet.") % {"month": period})
    if cadre.town_id != period.town_id or cadre.population != sheet.scheme.population:
        raise DomainError(_("This cadre is not on this score sheet."))
    entry = (
        ScoreEntry.objects.filter(sheet=sheet, cadre=cadre, indicator_id=indicator_id)
        .select_related("indicator")
        .first()
    )
    if entry is None or Excusal.objects.filter(sheet=sheet, cadre=cadre).exists():
        raise DomainError(_("The cadre has no published score on this indicator."))
    try:
        number = parse_value(value)
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    if number is None:
        raise DomainError(_("Enter the corrected value: an empty cell is never a zero."))
    if problem := cell_problem(entry.indicator, number):
        raise DomainError(problem)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the score is corrected."))
    if len(reason) > 1000:
        raise DomainError(_("The reason is too long (at most 1,000 characters)."))
    current = (
        ScoreCorrection.objects.filter(sheet=sheet, cadre=cadre, indicator=entry.indicator)
        .exclude(status=ScoreCorrectionStatus.DECLINED)
        .order_by("-created_at", "-pk")
        .values_list("value", flat=True)
        .first()
    )
    if number == (entry.value if current is None else current):
        raise DomainError(_("This is the value the month already counts."))
    score = ScoreCorrection.objects.create(
        sheet=sheet,
        cadre=cadre,
        indicator=entry.indicator,
        old_value=entry.value,
        value=number,
        reason=reason,
        created_by=actor,
    )
    label = f"{cadre.name} · {entry.indicator.code}"
    record(
        actor=actor,
        action="score_correction.create",
        target=score,
        town=period.town,
        object_repr=label,
        old={"value": entry.value if current is None else current},
        new={"value": number},
        note=reason,
    )
    cause = _("Score corrected: %(cell)s %(old)s → %(new)s (%(reason)s)") % {
        "cell": label,
        "old": entry.value,
        "new": number,
        "reason": reason,
    }
    results.period_recompute(period, actor=actor, cause=cause)
    return period.corrections.filter(status=CorrectionStatus.PENDING).first()

"""Every write of the monthly records: the town's deadline, the areas in charge, a record's drafts,
submission and return, the meeting's decisions and the month's archive. Each is audited."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, may_fill_record, require
from kaoping.audit.services import record as audit
from kaoping.audit.services import snapshot
from kaoping.audit.versions import Conflict, claim, conflict_message
from kaoping.core.errors import DomainError
from kaoping.files.models import Attachment
from kaoping.files.services import attachments_attach, attachments_store
from kaoping.people.models import Cadre, Department, Population, Town, Village

from . import deadlines, notices, selectors
from .models import (
    Decision,
    DecisionKind,
    Entry,
    Heading,
    LeaderArea,
    MonthRecord,
    RecordMonth,
    RecordSettings,
    RecordStatus,
)


def _refuse_archived(town: Town, month: date) -> None:
    """The one guard: an archived month of records changes no more."""
    if selectors.is_archived(town, month):
        raise DomainError(
            _(
                "The records of %(month)s are archived after the secretary's office meeting: "
                "nothing can change."
            )
            % {"month": f"{month:%Y-%m}"}
        )


def settings_save(
    *, actor: User, town: Town, deadline_day: int, weekend_moves_to_monday: bool, based_on: int
) -> RecordSettings:
    """Set the town's deadline day and whether a weekend deadline moves to the Monday."""
    require(actor, Action.MANAGE_RECORDS, town)
    if not 1 <= deadline_day <= 28:
        raise DomainError(_("The deadline must be a day from 1 to 28."))
    with transaction.atomic():
        current, created = RecordSettings.objects.get_or_create(town=town)
        if created:
            based_on = current.version if based_on == 0 else based_on
        old = snapshot(current, ["deadline_day", "weekend_moves_to_monday"])
        claim(current, based_on)
        current.deadline_day = deadline_day
        current.weekend_moves_to_monday = weekend_moves_to_monday
        current.save(update_fields=["deadline_day", "weekend_moves_to_monday"])
        audit(
            actor=actor,
            action="records.settings",
            target=current,
            town=town,
            old=old,
            new=snapshot(current, ["deadline_day", "weekend_moves_to_monday"]),
        )
    return current


def area_assign(
    *, actor: User, town: Town, leader: Cadre, unit: Department | Village, starts_on: date
) -> LeaderArea:
    """Put `unit` in `leader`'s charge from `starts_on`; whoever had it keeps it until the day before."""
    require(actor, Action.MANAGE_RECORDS, town)
    if leader.town_id != town.pk or unit.town_id != town.pk:
        raise DomainError(_("The leader and the unit must belong to this town."))
    if leader.population != Population.LEADERSHIP or not leader.is_active:
        raise DomainError(_("Only an active leadership member can be a leader in charge."))
    key = {"department": unit} if isinstance(unit, Department) else {"village": unit}
    with transaction.atomic():
        current = (
            LeaderArea.objects.select_for_update().filter(town=town, ends_on__isnull=True, **key).first()
        )
        if current is not None:
            if current.starts_on >= starts_on:
                raise DomainError(
                    _("%(unit)s is in %(leader)s's charge from %(date)s: a new assignment must start later.")
                    % {"unit": unit, "leader": current.leader, "date": current.starts_on}
                )
            if current.leader_id == leader.pk:
                raise DomainError(
                    _("%(unit)s is already in %(leader)s's charge.") % {"unit": unit, "leader": leader}
                )
            current.ends_on = starts_on - timedelta(days=1)
            current.save(update_fields=["ends_on"])
            audit(
                actor=actor,
                action="records.area_end",
                target=current,
                town=town,
                new={"ends_on": current.ends_on},
                object_repr=str(current),
            )
        area = LeaderArea.objects.create(town=town, leader=leader, starts_on=starts_on, **key)
        audit(
            actor=actor,
            action="records.area_assign",
            target=area,
            town=town,
            new={"leader": leader.pk, "unit": str(unit), "starts_on": starts_on},
            object_repr=str(area),
        )
    return area


def area_end(*, actor: User, area: LeaderArea, ends_on: date) -> None:
    """End an assignment on `ends_on` (the unit then has no leader in charge until a new one)."""
    require(actor, Action.MANAGE_RECORDS, area.town)
    if area.ends_on is not None:
        raise DomainError(_("This assignment has already ended."))
    if ends_on < area.starts_on:
        raise DomainError(
            _("An assignment cannot end before it starts (%(date)s).") % {"date": area.starts_on}
        )
    with transaction.atomic():
        area.ends_on = ends_on
        area.save(update_fields=["ends_on"])
        audit(
            actor=actor,
            action="records.area_end",
            target=area,
            town=area.town,
            new={"ends_on": ends_on},
            object_repr=str(area),
        )


@dataclass
class Answer:
    """What the form says under one heading: text, or nothing notable; files to add and to remove."""

    text: str = ""
    nothing_notable: bool = False
    uploads: list = field(default_factory=list)
    remove: list[int] = field(default_factory=list)


def _check_fillable(actor: User, town: Town, cadre: Cadre, month: date, today: date) -> int:
    """The leader id of `cadre` in `month`, once it is sure `actor` may fill that record now."""
    if month > today.replace(day=1):
        raise DomainError(_("Records can be filled for the current month and earlier ones only."))
    _refuse_archived(town, month)
    leader_id = selectors.area_cadres(town, month).get(cadre.pk)
    if leader_id is None or not may_fill_record(actor, town, leader_id=leader_id):
        raise DomainError(
            _("%(cadre)s is not in your charge in %(month)s.") % {"cadre": cadre, "month": f"{month:%Y-%m}"}
        )
    return leader_id


def record_save(
    *,
    actor: User,
    town: Town,
    cadre: Cadre,
    month: date,
    answers: dict[str, Answer],
    based_on: int,
    submit: bool,
    today: date | None = None,
) -> MonthRecord:
    """Save a cadre's record of `month` as a draft, or submit it (`submit`): all or nothing.

    Every heading with text or "nothing notable" is kept; one with both is refused. Submitting needs
    all five headings answered and locks the record; after the town's deadline it is marked late with
    its date. `based_on` is the record's version the page showed (0 when there was no record yet).
    Attachments are checked by content before anything is written.
    """
    today = today or timezone.localdate()
    month = month.replace(day=1)
    leader_id = _check_fillable(actor, town, cadre, month, today)
    problems = []
    for heading, label in Heading.choices:
        a = answers.get(heading, Answer())
        if a.nothing_notable and a.text.strip():
            problems.append(
                _("%(heading)s: write what was achieved or tick “nothing notable”, not both.")
                % {"heading": label}
            )
        elif submit and not a.nothing_notable and not a.text.strip():
            problems.append(
                _("%(heading)s: write what was achieved or tick “nothing notable”.") % {"heading": label}
            )
    if problems:
        raise DomainError(" ".join(problems), errors=problems)
    with transaction.atomic():
        record = MonthRecord.objects.filter(cadre=cadre, month=month).first()
        if record is None:
            if based_on != 0:
                raise Conflict(_("This record was removed after you opened the page: nothing was saved."))
            try:
                with transaction.atomic():
                    record = MonthRecord.objects.create(
                        town=town, cadre=cadre, month=month, leader_id=leader_id
                    )
            except IntegrityError:
                raise Conflict(conflict_message(MonthRecord(pk=0))) from None
        else:
            if record.is_locked:
                raise DomainError(
                    _("This record is submitted and locked; the Party-building office can return it.")
                )
            claim(record, based_on)
        old = _state(record)
        entries = {e.heading: e for e in record.entries.all()}
        # Files first: a refused file stores nothing, and nothing else of the save is written.
        stored = {
            h: attachments_store(actor=actor, town=town, uploads=a.uploads)
            for h, a in answers.items()
            if a.uploads
        }
        for heading, _label in Heading.choices:
            a = answers.get(heading, Answer())
            entry = entries.get(heading)
            text = "" if a.nothing_notable else a.text.strip()
            if not a.nothing_notable and not text:
                if entry is not None:
                    Attachment.objects.filter(owner_type=selectors.ENTRY_OWNER, owner_id=entry.pk).update(
                        owner_type="", owner_id=None
                    )
                    entry.delete()
                continue
            if entry is None:
                entry = Entry.objects.create(
                    record=record, heading=heading, text=text, nothing_notable=a.nothing_notable
                )
            elif (entry.text, entry.nothing_notable) != (text, a.nothing_notable):
                entry.text, entry.nothing_notable = text, a.nothing_notable
                entry.save(update_fields=["text", "nothing_notable"])
            if a.remove:
                Attachment.objects.filter(
                    owner_type=selectors.ENTRY_OWNER, owner_id=entry.pk, pk__in=a.remove
                ).update(owner_type="", owner_id=None)
            if heading in stored:
                attachments_attach(
                    attachments=stored[heading], owner_type=selectors.ENTRY_OWNER, owner_id=entry.pk
                )
        record.leader_id = leader_id
        action = "records.save"
        if submit:
            deadline = selectors.due_on(town, month)
            record.status = RecordStatus.SUBMITTED
            record.submitted_at = timezone.now()
            record.submitted_by = actor
            record.is_late = deadlines.is_late(today, deadline)
            action = "records.submit"
        elif record.status != RecordStatus.RETURNED:
            record.status = RecordStatus.DRAFT
        record.save()
        if submit:
            notices.record_submitted(record)
        audit(
            actor=actor,
            action=action,
            target=record,
            town=town,
            old=old,
            new=_state(record),
            object_repr=str(record),
        )
    return record


def _state(record: MonthRecord) -> dict:
    values = snapshot(record, ["status", "is_late", "submitted_at", "return_reason"])
    values["entries"] = {e.heading: ("—" if e.nothing_notable else e.text) for e in record.entries.all()}
    return values


def record_return(*, actor: User, record: MonthRecord, reason: str, based_on: int) -> MonthRecord:
    """Return a submitted record to its leader with a reason; the leader edits and submits again."""
    require(actor, Action.MANAGE_RECORDS, record.town)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the record is returned: the leader reads it."))
    _refuse_archived(record.town, record.month)
    if record.status != RecordStatus.SUBMITTED:
        raise DomainError(_("Only a submitted record can be returned."))
    with transaction.atomic():
        old = snapshot(record, ["status", "return_reason"])
        claim(record, based_on)
        record.status = RecordStatus.RETURNED
        record.return_reason = reason[:2000]
        record.returned_at = timezone.now()
        record.returned_by = actor
        record.save(update_fields=["status", "return_reason", "returned_at", "returned_by"])
        audit(
            actor=actor,
            action="records.return",
            target=record,
            town=record.town,
            old=old,
            new=snapshot(record, ["status", "return_reason"]),
            object_repr=str(record),
        )
        notices.record_returned(record, actor)
    return record


def decision_record(
    *, actor: User, record: MonthRecord, kind: str, citation: str, decided_on: date
) -> Decision:
    """Write down what the secretary's office meeting decided on a submitted record (replacing an
    earlier decision of the same month while it is not archived)."""
    require(actor, Action.MANAGE_RECORDS, record.town)
    _refuse_archived(record.town, record.month)
    if kind not in DecisionKind.values:
        raise DomainError(_("Choose a decision."))
    if record.status != RecordStatus.SUBMITTED:
        raise DomainError(_("The meeting decides on submitted records only."))
    citation = citation.strip()[:2000]
    if kind == DecisionKind.EXEMPLARY and not citation:
        raise DomainError(_("An exemplary case needs its citation: what makes it exemplary."))
    with transaction.atomic():
        existing = Decision.objects.select_for_update().filter(record=record).first()
        old = snapshot(existing, ["kind", "citation", "decided_on"]) if existing else None
        decision, _created = Decision.objects.update_or_create(
            record=record,
            defaults={
                "town": record.town,
                "kind": kind,
                "citation": citation,
                "decided_on": decided_on,
                "recorded_by": actor,
            },
        )
        audit(
            actor=actor,
            action="records.decision",
            target=decision,
            town=record.town,
            old=old,
            new=snapshot(decision, ["kind", "citation", "decided_on"]),
            object_repr=str(record),
        )
    return decision


def month_archive(*, actor: User, town: Town, month: date, meeting_on: date, confirmed: bool) -> RecordMonth:
    """Archive a month of records after its meeting: its records and decisions never change again."""
    require(actor, Action.MANAGE_RECORDS, town)
    month = month.replace(day=1)
    if not confirmed:
        raise DomainError(_("Confirm the archive: an archived month cannot be changed."))
    if meeting_on < month:
        raise DomainError(_("The meeting cannot be held before the month it reviews."))
    with transaction.atomic():
        row, _created = RecordMonth.objects.select_for_update().get_or_create(town=town, month=month)
        if row.is_archived:
            raise DomainError(
                _("The records of %(month)s are already archived.") % {"month": f"{month:%Y-%m}"}
            )
        row.meeting_on = meeting_on
        row.archived_at = timezone.now()
        row.archived_by = actor
        row.version += 1
        row.save()
        audit(
            actor=actor,
            action="records.archive",
            target=row,
            town=town,
            new={"month": month, "meeting_on": meeting_on},
            object_repr=str(row),
        )
    return row

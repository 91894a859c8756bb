"""Every write of the quarterly meetings: keyword-only, in a transaction, audited, refused with a
`DomainError` a person can read."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can_for_population, require_duties_apart
from kaoping.audit.services import record, snapshot
from kaoping.audit.versions import bump, claim
from kaoping.core.errors import DomainError
from kaoping.evaluation.models import Round
from kaoping.files.models import Attachment, Kind
from kaoping.files.services import attachments_attach, attachments_store
from kaoping.people.models import Cadre, Town

from . import notices, selectors
from . import rules as lagging_rules
from .models import (
    EntrySource,
    LaggingEntry,
    LaggingList,
    LaggingRule,
    ListStatus,
    Meeting,
    ProgressNote,
    Rectification,
    RectificationStatus,
    Report,
    SiteVisit,
    Statement,
)

RULE_FIELDS = ("population", "pool", "bottom", "consecutive", "months", "missing", "active")
MEETING_FIELDS = ("title", "held_on", "place", "evaluation_round")
VISIT_FIELDS = ("kind", "name", "note")
REPORT_FIELDS = ("cadre", "text", "comment_by", "comment")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)


def _refuse_closed(meeting: Meeting) -> None:
    """The one guard: a meeting whose record is closed (纪要定稿) changes no more. Reads the stored
    state under a row lock, so that a change racing the closing waits for it and is then refused."""
    closed = Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("closed_at", flat=True)
    if closed.first() is not None:
        raise DomainError(
            _(
                "The record of this meeting is closed: its site visits, reports and statements no "
                "longer change."
            )
        )


def _next_order(rows: QuerySet) -> int:
    """The sort order of a row added after `rows`."""
    return (rows.aggregate(m=Max("sort_order"))["m"] or 0) + 1


@dataclass(frozen=True)
class _Files:
    """The attachments of one kind of object (a site visit's photos, a statement's files …): the owner
    type they are attached under and the kinds of file accepted."""

    owner_type: str
    kinds: tuple[Kind, ...]

    def of(self, owner_id: int) -> list[dict]:
        """The object's attachments as the audit log keeps them: id and file name."""
        return [
            {"id": a.pk, "name": a.original_name}
            for a in Attachment.objects.filter(owner_type=self.owner_type, owner_id=owner_id).order_by("pk")
        ]

    def store(self, *, actor: User, town: Town, owner_id: int, uploads: list) -> None:
        """Store `uploads` (all or nothing) and attach them to the object."""
        if uploads:
            stored = attachments_store(actor=actor, town=town, uploads=uploads, kinds=self.kinds)
            attachments_attach(attachments=stored, owner_type=self.owner_type, owner_id=owner_id)

    def detach(self, owner_id: int, remove: list[int]) -> None:
        """Take the attachments `remove` off the object (the files stay, unattached, for the audit log's
        sake: their upload entry names them); ids of other objects' files are ignored."""
        if remove:
            Attachment.objects.filter(owner_type=self.owner_type, owner_id=owner_id, pk__in=remove).update(
                owner_type="", owner_id=None
            )


VISIT_FILES = _Files(selectors.VISIT_OWNER, selectors.PHOTO_KINDS)
REPORT_FILES = _Files(selectors.REPORT_OWNER, selectors.REPORT_KINDS)
STATEMENT_FILES = _Files(selectors.STATEMENT_OWNER, selectors.PAPER_KINDS)
PROGRESS_FILES = _Files(selectors.PROGRESS_OWNER, selectors.PAPER_KINDS)


@dataclass(frozen=True)
class _Part:
    """A part of a meeting edited and removed the same way (a site visit, a report): its fields, its
    attachments (and the key the audit log keeps them under) and its audit action."""

    fields: tuple[str, ...]
    files: _Files
    files_key: str
    action: str


VISIT_PART = _Part(VISIT_FIELDS, VISIT_FILES, "photos", "site_visit")
REPORT_PART = _Part(REPORT_FIELDS, REPORT_FILES, "files", "report")


def _part_state(part: _Part, obj: SiteVisit | Report) -> dict:
    """The part as the audit log keeps it: its fields and its attachments."""
    return {**snapshot(obj, part.fields), part.files_key: part.files.of(obj.pk)}


def _part_added(*, actor: User, part: _Part, obj: SiteVisit | Report, uploads: list, new: dict) -> None:
    """Attach `uploads` to a part just added to an open meeting (all or nothing), audited with `new`
    and its attachments; the meeting's version moves."""
    meeting = obj.meeting
    part.files.store(actor=actor, town=meeting.town, owner_id=obj.pk, uploads=uploads)
    record(
        actor=actor,
        action=f"{part.action}.create",
        target=meeting,
        new={**new, part.files_key: part.files.of(obj.pk)},
    )
    bump(meeting)


def _part_update(
    *,
    actor: User,
    part: _Part,
    obj: SiteVisit | Report,
    values: dict,
    uploads: list,
    remove: list[int],
    based_on: int | None,
    check: Callable[[], None] | None = None,
) -> None:
    """Write `values` to a part of a meeting whose record is open, take the attachments `remove` off
    and store `uploads` (all or nothing), audited with old and new. `check` refuses bad values once the
    meeting is known open; `based_on`, the part's version the page showed, is claimed after it."""
    _refuse_closed(obj.meeting)
    if check is not None:
        check()
    town = obj.meeting.town
    old = _part_state(part, obj)
    claim(obj, based_on)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*values, "version"])
    part.files.detach(obj.pk, remove)
    part.files.store(actor=actor, town=town, owner_id=obj.pk, uploads=uploads)
    record(
        actor=actor,
        action=f"{part.action}.update",
        target=obj,
        town=town,
        old=old,
        new=_part_state(part, obj),
    )


def _part_remove(
    *, actor: User, part: _Part, obj: SiteVisit | Report, based_on: int | None, confirmed: bool
) -> None:
    """Remove a part of an open meeting (confirmed), its attachments taken off with it (the files stay
    for the audit log), audited with what was removed; the meeting's version moves."""
    meeting = obj.meeting
    _refuse_closed(meeting)
    _require(confirmed, _("Confirm the removal: it cannot be undone."))
    old = _part_state(part, obj)
    claim(obj, based_on)
    part.files.detach(obj.pk, [f["id"] for f in old[part.files_key]])
    record(
        actor=actor,
        action=f"{part.action}.delete",
        target=obj,
        town=meeting.town,
        old=old,
        object_repr=str(obj),
    )
    obj.delete()
    bump(meeting)


@transaction.atomic
def rule_save(
    *, actor: User, town: Town, rule: LaggingRule | None, values: dict, based_on: int | None
) -> LaggingRule:
    """Save a lagging rule (a new one when `rule` is None). The first save writes the article's defaults
    first, so that the town's rules are all stored from then on."""
    created = not LaggingRule.objects.filter(town=town).exists()
    if created:
        for default in lagging_rules.default_rules(town):
            default.save()
            record(
                actor=actor,
                action="lagging_rule.create",
                target=default,
                new=lagging_rules.snapshot(default),
            )
    if rule is not None and rule.pk is None:  # a default shown before it was stored: now it is
        rule = LaggingRule.objects.get(town=town, population=rule.population, pool=rule.pool)
        if created or based_on is None:
            based_on = rule.version
    clash = LaggingRule.objects.filter(town=town, population=values["population"], pool=values["pool"])
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    _require(not clash.exists(), _("This population or pool has a rule already: edit that one."))
    old = lagging_rules.snapshot(rule) if rule is not None else None
    if rule is None:
        rule = LaggingRule(town=town, sort_order=_next_order(LaggingRule.objects.filter(town=town)))
    else:
        claim(rule, based_on)
    for name in RULE_FIELDS:
        setattr(rule, name, values[name])
    rule.save()
    record(
        actor=actor,
        action="lagging_rule.update" if old else "lagging_rule.create",
        target=rule,
        old=old,
        new=lagging_rules.snapshot(rule),
    )
    return rule


@transaction.atomic
def meeting_save(
    *,
    actor: User,
    town: Town,
    meeting: Meeting | None,
    values: dict,
    based_on: int | None = None,
    year: int | None = None,
    quarter: int | None = None,
) -> Meeting:
    """Prepare a quarter's meeting, or edit its date, place, title and democratic round."""
    rnd: Round | None = values.get("evaluation_round")
    _require(rnd is None or rnd.town_id == town.pk, _("Choose a round of this town."))
    if meeting is None:
        _require(year is not None and quarter in (1, 2, 3, 4), _("Choose the quarter."))
        if Meeting.objects.filter(town=town, year=year, quarter=quarter).exists():
            raise DomainError(_("This quarter has a meeting already."))
        meeting = Meeting(town=town, year=year, quarter=quarter, created_by=actor)
        old = None
    else:
        _refuse_closed(meeting)
        old = snapshot(meeting, MEETING_FIELDS)
    _require(
        rnd is None or (rnd.year, rnd.quarter) == (meeting.year, meeting.quarter),
        _("The democratic round must be the meeting's quarter."),
    )
    if old is not None:
        claim(meeting, based_on)
    for name in MEETING_FIELDS:
        setattr(meeting, name, values.get(name))
    meeting.save()
    if old is None:
        LaggingList.objects.create(meeting=meeting)
    record(
        actor=actor,
        action="meeting.update" if old else "meeting.create",
        target=meeting,
        old=old,
        new=snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


@transaction.atomic
def visit_add(
    *, actor: User, meeting: Meeting, kind: str, name: str, note: str, photos: list | None = None
) -> SiteVisit:
    """Add a stop of the meeting's site visits, with its photos (JPEG or PNG; all or nothing)."""
    _refuse_closed(meeting)
    visit = SiteVisit.objects.create(
        meeting=meeting, kind=kind, name=name, note=note, sort_order=_next_order(meeting.visits)
    )
    _part_added(
        actor=actor,
        part=VISIT_PART,
        obj=visit,
        uploads=photos or [],
        new={"kind": kind, "name": name, "note": note},
    )
    return visit


@transaction.atomic
def visit_update(
    *,
    actor: User,
    visit: SiteVisit,
    kind: str,
    name: str,
    note: str,
    photos: list | None = None,
    remove: list[int] | None = None,
    based_on: int | None,
) -> SiteVisit:
    """Edit a site visit: its kind, name and note, photos added (all or nothing) and taken off.
    `based_on` is the visit's version the page showed; a change made meanwhile is refused."""
    _part_update(
        actor=actor,
        part=VISIT_PART,
        obj=visit,
        values={"kind": kind, "name": name, "note": note},
        uploads=photos or [],
        remove=remove or [],
        based_on=based_on,
    )
    return visit


@transaction.atomic
def visit_remove(*, actor: User, visit: SiteVisit, based_on: int | None, confirmed: bool) -> None:
    """Remove a site visit from the meeting (confirmed; its photos are taken off with it)."""
    _part_remove(actor=actor, part=VISIT_PART, obj=visit, based_on=based_on, confirmed=confirmed)


def _check_report(meeting: Meeting, cadre: Cadre, comment_by: Cadre | None, comment: str) -> None:
    _require(cadre.town_id == meeting.town_id, _("Choose a cadre of this town."))
    _require(comment_by is None or comment_by.town_id == meeting.town_id, _("Choose a cadre of this town."))
    _require(bool(comment) == (comment_by is not None) or not comment, _("Say who made the comment."))


@transaction.atomic
def report_add(
    *,
    actor: User,
    meeting: Meeting,
    cadre: Cadre,
    text: str,
    comment_by: Cadre | None,
    comment: str,
    files: list | None = None,
) -> Report:
    """Add a department head's report (述职), typed or as a file (PDF or Word), and the leader's
    comment (点评) on it."""
    _refuse_closed(meeting)
    _check_report(meeting, cadre, comment_by, comment)
    text = text.strip()
    _require(bool(text or files), _("Type the report or attach it (PDF or Word)."))
    if meeting.reports.filter(cadre=cadre).exists():
        raise DomainError(_("%(name)s's report is recorded already.") % {"name": cadre.name})
    report = Report.objects.create(
        meeting=meeting,
        cadre=cadre,
        text=text,
        comment_by=comment_by if comment else None,
        comment=comment,
        sort_order=_next_order(meeting.reports),
    )
    _part_added(
        actor=actor,
        part=REPORT_PART,
        obj=report,
        uploads=files or [],
        new={
            "cadre": cadre.pk,
            "text": text,
            "comment_by": comment_by.pk if comment_by else None,
            "comment": comment,
        },
    )
    return report


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: Report,
    cadre: Cadre,
    text: str,
    comment_by: Cadre | None,
    comment: str,
    files: list | None = None,
    remove: list[int] | None = None,
    based_on: int | None,
) -> Report:
    """Edit a report and its comment: the reporter, the text, the file (added, taken off) and the
    comment (an empty comment removes it). `based_on` is the report's version the page showed."""
    meeting = report.meeting
    text = text.strip()

    def check() -> None:
        _check_report(meeting, cadre, comment_by, comment)
        kept = Attachment.objects.filter(owner_type=selectors.REPORT_OWNER, owner_id=report.pk).exclude(
            pk__in=remove or []
        )
        _require(bool(text or files or kept.exists()), _("Type the report or attach it (PDF or Word)."))
        _require(
            not meeting.reports.filter(cadre=cadre).exclude(pk=report.pk).exists(),
            _("%(name)s's report is recorded already.") % {"name": cadre.name},
        )

    _part_update(
        actor=actor,
        part=REPORT_PART,
        obj=report,
        check=check,
        values={
            "cadre": cadre,
            "text": text,
            "comment_by": comment_by if comment else None,
            "comment": comment if comment else "",
        },
        uploads=files or [],
        remove=remove or [],
        based_on=based_on,
    )
    return report


@transaction.atomic
def report_remove(*, actor: User, report: Report, based_on: int | None, confirmed: bool) -> None:
    """Remove a report and its comment from the meeting (confirmed; its file is taken off with it)."""
    _part_remove(actor=actor, part=REPORT_PART, obj=report, based_on=based_on, confirmed=confirmed)


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting, confirmed: bool) -> Meeting:
    """Close the meeting's record (纪要定稿; cannot be undone): its site visits, reports, comments,
    statements and their attachments no longer change. The lagging list must be final first."""
    _refuse_closed(meeting)
    status = LaggingList.objects.filter(meeting=meeting).values_list("status", flat=True).first()
    _require(status == ListStatus.FINAL, _("Finalise the lagging list first: the record lists it."))
    _require(confirmed, _("Confirm that the record is closed: this cannot be undone."))
    meeting.closed_at, meeting.closed_by = timezone.now(), actor
    meeting.save(update_fields=["closed_at", "closed_by"])
    bump(meeting)
    record(
        actor=actor,
        action="meeting.close",
        target=meeting,
        old={"closed": False},
        new={"closed": True, "closed_at": meeting.closed_at},
    )
    return meeting


def _basis(outcome_entry) -> list[dict]:
    lines = []
    for line in outcome_entry.lines:
        lines.append(
            {
                "month": f"{line.month:%Y-%m}",
                "rank": line.rank,
                "of": line.of,
                "total": None if line.total is None else f"{line.total:.2f}",
                "bottom": line.bottom,
                "tied_in": line.tied_in,
                "decided_by": None
                if line.decided_by is None
                else {
                    "criterion": line.decided_by.criterion,
                    "above": None if line.decided_by.above is None else f"{line.decided_by.above:.2f}",
                    "mine": None if line.decided_by.mine is None else f"{line.decided_by.mine:.2f}",
                    "above_key": line.decided_by.above_key,
                    "sign": line.decided_by.sign,
                },
                "absent": line.absent,
            }
        )
    return lines


def _draft_list(meeting: Meeting) -> LaggingList:
    lst = LaggingList.objects.select_for_update().get(meeting=meeting)
    _require(lst.status == ListStatus.DRAFT, _("The lagging list is final: it no longer changes."))
    return lst


@transaction.atomic
def list_compute(*, actor: User, meeting: Meeting) -> LaggingList:
    """Compute the draft lagging list from the published monthly results by the town's rules.

    The entries by the rule are replaced; entries the office added stay, and an exemption stays with
    its cadre while they are still listed."""
    lst = _draft_list(meeting)
    town_rules, _defaults = lagging_rules.town_rules(meeting.town)
    last, computed = lagging_rules.compute(meeting.town, meeting.year, meeting.quarter, town_rules)
    exempt = {e.cadre_id: (e.exempt_reason, e.exempted_by_id) for e in lst.entries.filter(exempt=True)}
    added = set(lst.entries.filter(source=EntrySource.ADDED).values_list("cadre_id", flat=True))
    old = sorted(lst.entries.values_list("cadre_id", flat=True))
    lst.entries.filter(source=EntrySource.RULE).delete()
    notes: list[dict] = []
    if last is None:
        notes.append({"kind": "no_month"})
    entries = []
    order = 0
    for item in computed:
        months = [f"{m:%Y-%m}" for m in item.outcome.months]
        rule = lagging_rules.snapshot(item.rule)
        notes.append({"kind": "rule", "rule": rule, "months": months, "short": item.outcome.short})
        for over in item.outcome.overflow:
            notes.append(
                {"kind": "overflow", "rule": rule, "month": f"{over.month:%Y-%m}", "count": over.count}
            )
        for apart in item.outcome.apart:
            notes.append({"kind": "apart", "rule": rule, "cadre": apart.key, "lines": _basis(apart)})
        for entry in item.outcome.listed:
            if entry.key in added or any(e.cadre_id == entry.key for e in entries):
                continue
            order += 1
            reason, by = exempt.get(entry.key, ("", None))
            entries.append(
                LaggingEntry(
                    lagging_list=lst,
                    cadre_id=entry.key,
                    rule=rule,
                    basis=_basis(entry),
                    exempt=bool(reason),
                    exempt_reason=reason,
                    exempted_by_id=by,
                    sort_order=order,
                )
            )
    LaggingEntry.objects.bulk_create(entries)
    lst.notes = notes
    lst.rules = [lagging_rules.snapshot(r) for r in town_rules]
    lst.computed_at = timezone.now()
    lst.version += 1
    lst.save()
    record(
        actor=actor,
        action="lagging_list.compute",
        target=meeting,
        old={"cadres": old},
        new={
            "cadres": sorted(lst.entries.values_list("cadre_id", flat=True)),
            "last_month": f"{last:%Y-%m}" if last else None,
        },
    )
    return lst


@transaction.atomic
def entry_exempt(*, actor: User, entry: LaggingEntry, reason: str) -> LaggingEntry:
    """Exempt a listed cadre from the draft list, with a reason (recorded, shown and audited)."""
    _draft_list(entry.lagging_list.meeting)
    _require(bool(reason.strip()), _("Give the reason for the exemption."))
    entry.exempt, entry.exempt_reason, entry.exempted_by = True, reason.strip(), actor
    entry.save(update_fields=["exempt", "exempt_reason", "exempted_by"])
    record(
        actor=actor,
        action="lagging_entry.exempt",
        target=entry.lagging_list.meeting,
        new={"cadre": entry.cadre_id, "reason": entry.exempt_reason},
    )
    return entry


@transaction.atomic
def entry_add(*, actor: User, meeting: Meeting, cadre: Cadre, reason: str) -> LaggingEntry:
    """Add to the draft list a cadre the rules do not list: only with a reason."""
    lst = _draft_list(meeting)
    _require(cadre.town_id == meeting.town_id, _("Choose a cadre of this town."))
    _require(bool(reason.strip()), _("Adding a cadre the rules do not list needs a reason."))
    _require(
        not lst.entries.filter(cadre=cadre).exists(),
        _("%(name)s is on the list already.") % {"name": cadre.name},
    )
    entry = LaggingEntry.objects.create(
        lagging_list=lst,
        cadre=cadre,
        source=EntrySource.ADDED,
        reason=reason.strip(),
        sort_order=_next_order(lst.entries),
    )
    record(
        actor=actor,
        action="lagging_entry.create",
        target=meeting,
        new={"cadre": cadre.pk, "reason": entry.reason},
    )
    return entry


@transaction.atomic
def list_finalise(*, actor: User, meeting: Meeting, confirmed: bool) -> LaggingList:
    """Make the lagging list final (cannot be undone): its names and reasons no longer change."""
    lst = _draft_list(meeting)
    _require(confirmed, _("Confirm that the list is final: this cannot be undone."))
    _require(lst.computed_at is not None, _("Compute the list from the published rankings first."))
    lst.status, lst.finalised_by, lst.finalised_at = ListStatus.FINAL, actor, timezone.now()
    lst.version += 1
    lst.save()
    record(
        actor=actor,
        action="lagging_list.finalise",
        target=meeting,
        old={"status": ListStatus.DRAFT},
        new={
            "status": ListStatus.FINAL,
            "cadres": list(lst.entries.filter(exempt=False).values_list("cadre_id", flat=True)),
        },
    )
    return lst


def _final_entry(entry: LaggingEntry) -> None:
    status = LaggingList.objects.filter(pk=entry.lagging_list_id).values_list("status", flat=True).first()
    _require(status == ListStatus.FINAL, _("Finalise the lagging list first."))
    _require(not entry.exempt, _("This cadre is exempt from the list."))


@transaction.atomic
def statement_record(
    *, actor: User, entry: LaggingEntry, made_on: date, text: str, files: list | None = None
) -> Statement:
    """Record a listed cadre's statement (后进表态发言) made at the meeting: typed, or attached (a
    photo or scan, PDF or Word), or both."""
    _final_entry(entry)
    meeting = entry.lagging_list.meeting
    _refuse_closed(meeting)
    _require(bool(text.strip() or files), _("Type the statement or attach it."))
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                entry=entry, made_on=made_on, text=text.strip(), recorded_by=actor
            )
    except IntegrityError:
        raise DomainError(_("This cadre's statement is recorded already.")) from None
    STATEMENT_FILES.store(actor=actor, town=meeting.town, owner_id=statement.pk, uploads=files or [])
    record(
        actor=actor,
        action="statement.create",
        target=statement,
        new={
            "cadre": entry.cadre_id,
            "made_on": made_on.isoformat(),
            "text": statement.text,
            "files": STATEMENT_FILES.of(statement.pk),
        },
    )
    return statement


@transaction.atomic
def statement_files(
    *, actor: User, statement: Statement, files: list | None = None, remove: list[int] | None = None
) -> Statement:
    """Attach files to a recorded statement or take some off, while the meeting's record is open; a
    statement keeps its text or at least one file."""
    meeting = statement.entry.lagging_list.meeting
    _refuse_closed(meeting)
    old = STATEMENT_FILES.of(statement.pk)
    kept = [f for f in old if f["id"] not in set(remove or [])]
    _require(bool(statement.text or kept or files), _("Type the statement or attach it."))
    _require(bool(files or len(kept) < len(old)), _("Choose a file to attach or to take off."))
    STATEMENT_FILES.detach(statement.pk, remove or [])
    STATEMENT_FILES.store(actor=actor, town=meeting.town, owner_id=statement.pk, uploads=files or [])
    record(
        actor=actor,
        action="statement.files",
        target=statement,
        town=meeting.town,
        old={"files": old},
        new={"files": STATEMENT_FILES.of(statement.pk)},
    )
    return statement


@transaction.atomic
def rectification_record(*, actor: User, entry: LaggingEntry, measures: str, deadline: date) -> Rectification:
    """Record a listed cadre's rectification plan: measures and a deadline."""
    _final_entry(entry)
    _require(bool(measures.strip()), _("Type the measures."))
    _require(deadline >= entry.lagging_list.meeting.held_on, _("The deadline cannot be before the meeting."))
    try:
        with transaction.atomic():
            rect = Rectification.objects.create(
                entry=entry, measures=measures.strip(), deadline=deadline, recorded_by=actor
            )
    except IntegrityError:
        raise DomainError(_("This cadre's rectification plan is recorded already.")) from None
    record(
        actor=actor,
        action="rectification.create",
        target=rect,
        new={
            "cadre": entry.cadre_id,
            "measures": rect.measures,
            "deadline": deadline.isoformat(),
            "status": rect.status,
        },
    )
    notices.rectification_recorded(rect, actor)
    return rect


def _open_rectification(rectification: Rectification) -> None:
    status = Rectification.objects.filter(pk=rectification.pk).values_list("status", flat=True).first()
    _require(status == RectificationStatus.OPEN, _("This rectification is closed."))


@transaction.atomic
def progress_add(
    *,
    actor: User,
    rectification: Rectification,
    written_on: date,
    text: str,
    files: list | None = None,
) -> ProgressNote:
    """Add a progress note to an open rectification, with an attachment if any (photo, PDF, Word)."""
    _open_rectification(rectification)
    _require(bool(text.strip()), _("Type the progress."))
    note = ProgressNote.objects.create(
        rectification=rectification, written_on=written_on, text=text.strip(), written_by=actor
    )
    PROGRESS_FILES.store(
        actor=actor, town=rectification.entry.cadre.town, owner_id=note.pk, uploads=files or []
    )
    record(
        actor=actor,
        action="rectification.note",
        target=rectification,
        new={
            "on": written_on.isoformat(),
            "text": note.text,
            "files": PROGRESS_FILES.of(note.pk),
        },
    )
    bump(rectification)
    return note


@transaction.atomic
def progress_file_remove(*, actor: User, note: ProgressNote, attachment_id: int) -> None:
    """Take an attachment off a progress note while its rectification is open."""
    rectification = note.rectification
    _open_rectification(rectification)
    old = PROGRESS_FILES.of(note.pk)
    _require(any(f["id"] == attachment_id for f in old), _("This file is not attached to the note."))
    PROGRESS_FILES.detach(note.pk, [attachment_id])
    record(
        actor=actor,
        action="rectification.note_files",
        target=rectification,
        old={"note": note.pk, "files": old},
        new={"note": note.pk, "files": PROGRESS_FILES.of(note.pk)},
    )
    bump(rectification)


def may_review(user: User, rectification: Rectification) -> bool:
    """True when `user` is the group leader of the listed cadre's population."""
    cadre = rectification.entry.cadre
    return can_for_population(user, Action.REVIEW_RECTIFICATIONS, cadre.town, cadre.population)


@transaction.atomic
def rectification_review(
    *,
    actor: User,
    rectification: Rectification,
    outcome: str,
    review: str,
    confirmed: bool,
    based_on: int | None,
) -> Rectification:
    """The group leader's closing review: 整改完成 (completed) or 未完成 (not completed). Cannot be undone;
    whoever recorded the plan does not review it."""
    _require(rectification.status == RectificationStatus.OPEN, _("This rectification is closed."))
    _require(
        outcome in (RectificationStatus.COMPLETED, RectificationStatus.NOT_COMPLETED),
        _("Choose the outcome."),
    )
    _require(
        may_review(actor, rectification), _("Only the group leader of the cadre's population reviews it.")
    )
    require_duties_apart(
        actor, rectification.recorded_by_id, first_step=_("recorded this rectification plan")
    )
    _require(bool(review.strip()), _("Say how the rectification went."))
    _require(confirmed, _("Confirm the review: it cannot be undone."))
    claim(rectification, based_on)
    rectification.status = outcome
    rectification.review = review.strip()
    rectification.reviewed_by = actor
    rectification.reviewed_at = timezone.now()
    rectification.save()
    record(
        actor=actor,
        action="rectification.decide",
        target=rectification,
        old={"status": RectificationStatus.OPEN},
        new={"status": outcome, "review": rectification.review},
    )
    notices.rectification_reviewed(rectification)
    return rectification

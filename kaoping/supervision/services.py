"""Writes of supervision: items and their loop, follow-up notes, extensions, bulletins.

Every write validates first, runs in a transaction, records the move in the item's timeline and in
the audit log (who, when, old and new), and raises `DomainError` with a message the user can read.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, require_duties_apart
from kaoping.audit.services import record
from kaoping.audit.versions import Conflict, conflict_message
from kaoping.core import events
from kaoping.core.errors import DomainError
from kaoping.people.models import Cadre, Department, Town

from . import notices
from .models import (
    Bulletin,
    BulletinCounter,
    BulletinStatus,
    EventKind,
    Item,
    ItemEvent,
    ItemOwner,
    ItemStatus,
    OwnerRole,
    Quality,
    ScoringRules,
    Source,
    Urgency,
)

S = ItemStatus
OFFICE, OWNER, EITHER = "office", "owner", "either"

# The loop of an item: (from, to) → who may make the move.
MOVES: dict[tuple[str, str], str] = {
    (S.ASSIGNED, S.IN_PROGRESS): EITHER,  # work starts
    (S.IN_PROGRESS, S.SUBMITTED): OWNER,  # the owner reports the result
    (S.SUBMITTED, S.VERIFIED): OFFICE,  # the office checks it and rates its quality
    (S.SUBMITTED, S.IN_PROGRESS): OFFICE,  # sent back to be done again
    (S.VERIFIED, S.CLOSED): OFFICE,  # closed with feedback
}

# Moves that cannot be undone: the service refuses them unless the caller confirms (`confirmed=True`)
# after showing what follows from them (`IRREVERSIBLE`, read by the confirmation page).
IRREVERSIBLE: dict[str, str] = {
    S.VERIFIED: gettext_lazy(
        "Verifying cannot be undone: the quality and the on-time mark are fixed, and the points they "
        "earn count in this month's results of the owners."
    ),
    S.CLOSED: gettext_lazy("Closing cannot be undone: the feedback is final and no more notes can be added."),
}
# The first steps of the two-step workflows here, in words, for the duties-apart rule.
SUBMITTED_RESULT = gettext_lazy("submitted this result")
SENT_BULLETIN = gettext_lazy("sent this bulletin for review")

ITEM_FIELDS = ("source", "title", "requirements", "department", "urgency", "assigned_on", "deadline")


def is_office(user: User, town: Town) -> bool:
    return can(user, Action.MANAGE_SUPERVISION, town)


def is_owner(user: User, item: Item) -> bool:
    """True when the user's cadre owns or co-owns the item, or heads the department that owns it."""
    cadre = getattr(user, "cadre", None)
    if cadre is None or cadre.town_id != item.town_id or not can(user, Action.HANDLE_OWN_ITEMS, item.town):
        return False
    if item.owners.filter(cadre=cadre).exists():
        return True
    return bool(cadre.is_middle_level and item.department_id and cadre.department_id == item.department_id)


def allowed_moves(user: User, item: Item) -> list[str]:
    """The statuses the user may move the item to now (for the buttons of the item page)."""
    office, owner = is_office(user, item.town), is_owner(user, item)
    return [
        to
        for (before, to), who in MOVES.items()
        if before == item.status
        and (who == EITHER and (office or owner) or (who == OFFICE and office) or (who == OWNER and owner))
    ]


@dataclass
class ItemData:
    source: str
    title: str
    deadline: date
    assigned_on: date
    requirements: str = ""
    department: Department | None = None
    urgency: str = Urgency.NORMAL
    owners: list[Cadre] = field(default_factory=list)
    co_owners: list[Cadre] = field(default_factory=list)


def item_problems(*, town: Town, data: ItemData) -> dict[str, str]:
    """What is wrong with an item's data, by field: the form's and the import's one rule."""
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = _("A title is required.")
    if data.source not in Source.values:
        problems["source"] = _("Choose a source.")
    if data.urgency not in Urgency.values:
        problems["urgency"] = _("Choose an urgency.")
    if data.deadline < data.assigned_on:
        problems["deadline"] = _("The deadline cannot come before the day of assignment.")
    if not data.owners and data.department is None:
        problems["owners"] = _("Name an owner cadre or an owning department.")
    if data.department is not None and data.department.town_id != town.pk:
        problems["department"] = _("The department is not in this town.")
    cadres = [*data.owners, *data.co_owners]
    if any(c.town_id != town.pk for c in cadres):
        problems["owners"] = _("Every owner must be a cadre of this town.")
    elif len({c.pk for c in cadres}) != len(cadres):
        problems["co_owners"] = _("A cadre cannot be both owner and co-owner, or named twice.")
    return problems


def _require_office(actor: User, town: Town) -> None:
    if not is_office(actor, town):
        raise DomainError(_("Only the supervision office may do this."))


def _event(item: Item, actor: User, kind: str, **fields) -> ItemEvent:
    return ItemEvent.objects.create(item=item, actor=actor, kind=kind, at=timezone.now(), **fields)


@transaction.atomic
def item_create(*, actor: User, town: Town, data: ItemData, note: str = "") -> Item:
    """Register an item with its owners and co-owners."""
    _require_office(actor, town)
    problems = item_problems(town=town, data=data)
    if problems:
        raise DomainError(" ".join(problems.values()), errors=list(problems.values()))
    item = Item.objects.create(
        town=town,
        year=data.assigned_on.year,
        created_by=actor,
        **{name: getattr(data, name) for name in ITEM_FIELDS},
    )
    ItemOwner.objects.bulk_create(
        [ItemOwner(item=item, cadre=c, role=OwnerRole.OWNER) for c in data.owners]
        + [ItemOwner(item=item, cadre=c, role=OwnerRole.CO_OWNER) for c in data.co_owners]
    )
    _event(item, actor, EventKind.MOVE, to_status=S.ASSIGNED)
    new = {name: getattr(item, name) for name in ITEM_FIELDS}
    new.update(owners=[c.pk for c in data.owners], co_owners=[c.pk for c in data.co_owners])
    record(actor=actor, action="supervision_item.create", target=item, new=new, note=note)
    notices.item_created(item, actor)
    return item


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("town").get(pk=item.pk)


def result_submitter_id(item: Item) -> int | None:
    """Who submitted the item's current result (the latest move to "submitted"), from its timeline."""
    return (
        item.events.filter(kind=EventKind.MOVE, to_status=S.SUBMITTED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


@transaction.atomic
def item_move(
    *,
    actor: User,
    item: Item,
    to: str,
    text: str = "",
    quality: str = "",
    result: str = "",
    confirmed: bool = False,
) -> Item:
    """Move an item along its loop, or refuse with the reason.

    Starting work: the office or an owner. Submitting the result (`result` required): an owner.
    Verifying (`quality` required), sending back (`text`, the reason, required) and closing
    (`text`, the feedback, required): the office. Verifying and closing cannot be undone: they need
    `confirmed=True`, and the result is verified by someone other than whoever submitted it.
    """
    item = _lock(item)
    before = item.status
    who = MOVES.get((before, to))
    if who is None:
        raise DomainError(
            _("An item that is “%(current)s” cannot become “%(target)s”.")
            % {"current": item.get_status_display(), "target": S(to).label if to in S.values else to}
        )
    office, owner = is_office(actor, item.town), is_owner(actor, item)
    if who == OFFICE and not office:
        raise DomainError(_("Only the supervision office may do this."))
    if who == OWNER and not owner:
        raise DomainError(_("Only the item's owners may do this."))
    if who == EITHER and not (office or owner):
        raise DomainError(_("Only the supervision office or the item's owners may do this."))
    if to == S.VERIFIED:
        require_duties_apart(actor, result_submitter_id(item), first_step=str(SUBMITTED_RESULT))
    if to in IRREVERSIBLE and not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": IRREVERSIBLE[to]})
    now = timezone.now()
    old = {"status": before}
    new: dict = {"status": to}
    if to == S.SUBMITTED:
        if not result.strip():
            raise DomainError(_("Describe the result before submitting it."))
        item.result, item.submitted_at = result.strip(), now
        new.update(result=item.result)
    elif (before, to) == (S.SUBMITTED, S.IN_PROGRESS):
        if not text.strip():
            raise DomainError(_("Say why the result is sent back."))
        item.send_backs += 1
        new.update(send_backs=item.send_backs)
    elif to == S.VERIFIED:
        if quality not in Quality.values:
            raise DomainError(_("Rate the quality of the result to verify it."))
        item.quality, item.verified_at = quality, now
        # The result that counts is the one verified: was it in by the (possibly extended) deadline?
        item.on_time = timezone.localdate(item.submitted_at) <= item.deadline
        new.update(quality=quality, on_time=item.on_time)
    elif to == S.CLOSED:
        if not text.strip():
            raise DomainError(_("Write the feedback before closing the item."))
        item.feedback, item.closed_at = text.strip(), now
        new.update(feedback=item.feedback)
    item.status = to
    item.save()
    _event(item, actor, EventKind.MOVE, from_status=before, to_status=to, text=text.strip() or result.strip())
    record(actor=actor, action="supervision_item.move", target=item, old=old, new=new, note=text.strip())
    notices.item_moved(item, before, actor, text)
    if to == S.VERIFIED:
        # How the item was handled now scores in the month of verification (督促落实).
        verified = timezone.localtime(item.verified_at).date().replace(day=1)
        cause = _("Supervision item verified: %(item)s") % {"item": item}
        events.inputs_changed(
            sender=Item, town=item.town, months=[verified], actor=actor, cause=cause, computed_only=True
        )
    return item


@transaction.atomic
def item_note(*, actor: User, item: Item, text: str) -> ItemEvent:
    """Add a follow-up note (跟进), by the office or an owner, at any time before the item is closed."""
    item = _lock(item)
    if not (is_office(actor, item.town) or is_owner(actor, item)):
        raise DomainError(_("Only the supervision office or the item's owners may do this."))
    if item.status == S.CLOSED:
        raise DomainError(_("The item is closed; no more notes can be added."))
    if not text.strip():
        raise DomainError(_("The note is empty."))
    event = _event(item, actor, EventKind.NOTE, text=text.strip())
    record(actor=actor, action="supervision_item.note", target=item, new={"note": text.strip()})
    return event


@transaction.atomic
def item_extend(*, actor: User, item: Item, deadline: date, reason: str) -> Item:
    """Move an open item's deadline later, with a reason (the office only)."""
    item = _lock(item)
    _require_office(actor, item.town)
    if item.status not in S.open():
        raise DomainError(_("Only an item still waiting for its result can be extended."))
    if deadline <= item.deadline:
        raise DomainError(
            _("The new deadline must come after the current one (%(d)s).") % {"d": item.deadline}
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."))
    old = item.deadline
    item.deadline = deadline
    item.save(update_fields=["deadline"])
    _event(item, actor, EventKind.EXTENSION, text=reason.strip(), old_deadline=old, new_deadline=deadline)
    record(
        actor=actor,
        action="supervision_item.extend",
        target=item,
        old={"deadline": old},
        new={"deadline": deadline},
        note=reason.strip(),
    )
    return item


def rules_for(town: Town, year: int) -> ScoringRules:
    """The town's scoring rules of the year, the defaults if the office set none."""
    return ScoringRules.objects.filter(town=town, year=year).first() or ScoringRules(town=town, year=year)


RULE_FIELDS = ("on_time", "late", "per_send_back", "excellent", "good", "fair", "poor", "co_owner_share")


def rules_problems(values: dict[str, Decimal]) -> list[str]:
    """What is wrong with a set of scoring rules: the form's and the service's one check."""
    problems = []
    if values["late"] > values["on_time"]:
        problems.append(_("A late result cannot earn more than one on time."))
    if values["per_send_back"] > 0:
        problems.append(_("A send-back can only cost points: enter zero or a negative number."))
    qualities = [values[q] for q in ("excellent", "good", "fair", "poor")]
    if any(better < worse for better, worse in zip(qualities, qualities[1:], strict=False)):
        problems.append(_("A better quality cannot earn fewer points than a worse one."))
    if not 0 <= values["co_owner_share"] <= 100:
        problems.append(_("The co-owners' share is a percentage between 0 and 100."))
    return problems


@transaction.atomic
def rules_save(
    *, actor: User, town: Town, year: int, values: dict[str, Decimal], version: int | None = None
) -> ScoringRules:
    """Set the year's scoring rules (the office only), with the old and new values in the audit log.

    `version` is the version of the rules the form was loaded with (None: none were stored yet);
    the save is refused when the stored rules changed since, so that nobody's change is lost unseen.

    Items of the year verified in months whose results are computed but not yet published are
    rescored; a published month keeps the results the town has seen.
    """
    _require_office(actor, town)
    if not 2000 <= year <= 2100:
        raise DomainError(_("Choose a year between 2000 and 2100."))
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown rule: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    rules, created = ScoringRules.objects.select_for_update().get_or_create(town=town, year=year)
    if version != (None if created else rules.version):
        raise Conflict(conflict_message(rules))
    merged = {f: Decimal(values.get(f, getattr(rules, f))) for f in RULE_FIELDS}
    problems = rules_problems(merged)
    if problems:
        raise DomainError(" ".join(problems), errors=problems)
    changed = [f for f in RULE_FIELDS if merged[f] != getattr(rules, f)]
    if not changed:
        return rules
    old = {f: getattr(rules, f) for f in changed}
    for f in changed:
        setattr(rules, f, merged[f])
    rules.version += 1
    try:
        rules.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), errors=exc.messages) from exc
    rules.save()
    record(
        actor=actor,
        action="supervision_rules.update",
        target=rules,
        town=town,
        old=old,
        new={f: merged[f] for f in changed},
        note=str(year),
    )
    verified = Item.objects.filter(town=town, year=year, verified_at__isnull=False).values_list(
        "verified_at", flat=True
    )
    verified_months = {timezone.localtime(at).date().replace(day=1) for at in verified}
    # The new rules score from now on: published months keep theirs (no correction is proposed).
    events.inputs_changed(
        sender=ScoringRules, town=town, months=sorted(verified_months), computed_only=True, frozen_too=False
    )
    return rules


# --- Bulletins ------------------------------------------------------------------------------------

B = BulletinStatus
BULLETIN_FIELDS = (
    "kind",
    "period_label",
    "title",
    "body",
    "issuer",
    "report_to",
    "send_to",
    "issue_to",
    "copies",
)
BULLETIN_MOVES: dict[tuple[str, str], Action] = {
    (B.DRAFT, B.IN_REVIEW): Action.COMPOSE_BULLETINS,
    (B.IN_REVIEW, B.APPROVED): Action.REVIEW_BULLETINS,
    (B.IN_REVIEW, B.DRAFT): Action.REVIEW_BULLETINS,  # returned with a note
    (B.APPROVED, B.DRAFT): Action.COMPOSE_BULLETINS,  # taken back to change it before publication
}


@transaction.atomic
def bulletin_save(
    *,
    actor: User,
    town: Town,
    values: dict,
    items: list[Item],
    bulletin: Bulletin | None = None,
    version: int | None = None,
) -> Bulletin:
    """Create a bulletin or change a draft one (its text, recipients and chosen items).

    A change carries the `version` of the bulletin it was made from, and is refused when the
    bulletin changed since (someone else saved or moved it), so that nobody's text is lost unseen.
    """
    if not can(actor, Action.COMPOSE_BULLETINS, town):
        raise DomainError(_("Only the supervision office composes bulletins."))
    if any(i.town_id != town.pk for i in items):
        raise DomainError(_("Every item must belong to this town."))
    if bulletin is None:
        bulletin = Bulletin(town=town, created_by=actor)
        old = {}
    else:
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk, town=town)
        if bulletin.status != B.DRAFT:
            raise DomainError(
                _("A bulletin that is “%(status)s” cannot be changed.")
                % {"status": bulletin.get_status_display()}
            )
        if version != bulletin.version:
            raise Conflict(conflict_message(bulletin))
        bulletin.version += 1
        old = {f: getattr(bulletin, f) for f in BULLETIN_FIELDS}
    for name in BULLETIN_FIELDS:
        if name in values:
            setattr(bulletin, name, values[name])
    if not bulletin.title.strip() or not bulletin.body.strip():
        raise DomainError(_("A bulletin needs a title and a text."))
    bulletin.save()
    bulletin.items.set(items)
    new = {f: getattr(bulletin, f) for f in BULLETIN_FIELDS} | {"items": sorted(i.pk for i in items)}
    record(actor=actor, action="bulletin.save", target=bulletin, old=old, new=new)
    return bulletin


@transaction.atomic
def bulletin_move(*, actor: User, bulletin: Bulletin, to: str, note: str = "") -> Bulletin:
    """Send for review, approve, return (a note required) or take back a bulletin. See `bulletin_publish`."""
    bulletin = Bulletin.objects.select_for_update().select_related("town").get(pk=bulletin.pk)
    action = BULLETIN_MOVES.get((bulletin.status, to))
    if action is None:
        raise DomainError(
            _("A bulletin that is “%(current)s” cannot become “%(target)s”.")
            % {"current": bulletin.get_status_display(), "target": B(to).label if to in B.values else to}
        )
    if not can(actor, action, bulletin.town):
        raise DomainError(_("You are not allowed to do this."))
    if to == B.APPROVED:
        require_duties_apart(actor, bulletin.sent_by_id, first_step=str(SENT_BULLETIN))
    if to == B.IN_REVIEW:
        bulletin.sent_by = actor
    if action == Action.REVIEW_BULLETINS:
        if to == B.DRAFT and not note.strip():
            raise DomainError(_("Say what must change before returning the bulletin."))
        bulletin.reviewed_by, bulletin.reviewed_at, bulletin.review_note = actor, timezone.now(), note.strip()
    old = bulletin.status
    bulletin.status = to
    bulletin.version += 1
    bulletin.save()
    record(
        actor=actor,
        action="bulletin.move",
        target=bulletin,
        old={"status": old},
        new={"status": to},
        note=note,
    )
    notices.bulletin_moved(bulletin, old, actor, note)
    return bulletin


def _counter(town: Town, year: int, kind: str) -> BulletinCounter:
    """The counter row, created on first use. Two first publishes may race to create it: one wins."""
    try:
        with transaction.atomic():
            BulletinCounter.objects.get_or_create(town=town, year=year, kind=kind)
    except IntegrityError:
        pass  # created meanwhile by the other publish
    return BulletinCounter.objects.select_for_update().get(town=town, year=year, kind=kind)


PUBLISH_CONSEQUENCE = gettext_lazy(
    "Publishing cannot be undone: the bulletin takes the next number of the year for good, becomes "
    "readable by the whole town and can no longer be changed."
)


def bulletin_publish(
    *, actor: User, bulletin: Bulletin, on: date | None = None, confirmed: bool = False
) -> Bulletin:
    """Publish an approved bulletin under the next number of its year and kind (第N期 / 增刊第N期).

    Numbering and publishing cannot be undone: the caller confirms (`confirmed=True`) after showing
    `PUBLISH_CONSEQUENCE`.

    The per-town, per-year counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions take the write lock up front), so two publishes at the same moment get
    consecutive numbers, and a failed publish rolls its number back: none is skipped or reused.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().select_related("town").get(pk=bulletin.pk)
        if not can(actor, Action.COMPOSE_BULLETINS, bulletin.town):
            raise DomainError(_("Only the supervision office publishes bulletins."))
        if bulletin.status != B.APPROVED:
            raise DomainError(
                _("Only an approved bulletin can be published; this one is “%(status)s”.")
                % {"status": bulletin.get_status_display()}
            )
        if not confirmed:
            raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": PUBLISH_CONSEQUENCE})
        counter = _counter(bulletin.town, on.year, bulletin.kind)
        counter.last += 1
        counter.save(update_fields=["last"])
        bulletin.year, bulletin.number, bulletin.issued_on = on.year, counter.last, on
        bulletin.status, bulletin.published_by, bulletin.published_at = B.PUBLISHED, actor, timezone.now()
        bulletin.version += 1
        bulletin.save()
        record(
            actor=actor,
            action="bulletin.publish",
            target=bulletin,
            old={"status": B.APPROVED},
            new={"status": B.PUBLISHED, "year": on.year, "number": counter.last, "kind": bulletin.kind},
        )
    return bulletin

"""Writing to and checking the audit log. Every capability records through `record`."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import anchors, chain, keys
from .models import AuditEntry, AuditHead

# The fields that a hash covers, in the form they are stored.
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "town_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "old",
    "new",
    "note",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _hash_fields(entry: AuditEntry) -> dict[str, Any]:
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["at"] = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if entry.chain_version is not None:  # plain entries keep the fields they were hashed with
        fields["chain_version"] = entry.chain_version
    return fields


REKEY_NOTE = (
    "From this entry on, the log is chained with HMAC-SHA256 under a key kept outside the database; "
    "the entries before it keep their plain SHA-256 hashes and are sealed by this entry's link to them."
)


def _signing_key(head: AuditHead) -> bytes:
    """The audit key; created on the first write unless keyed entries exist, whose key must not change."""
    key = keys.read()
    if key is not None:
        return key
    if head.count and head.chain_version == chain.KEYED:
        raise keys.KeyMissing(
            f"The audit key file {keys.path()} is missing, and the log's entries are chained with it. "
            "Restore it from the backup of the data directory; nothing can be recorded until then."
        )
    return keys.create()


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The values of `fields` on `instance`, foreign keys as ids, ready to store as old or new."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return _jsonable(values)


def changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


@dataclass
class Event:
    """One thing to write to the audit log; see `record` for the meaning of each field."""

    action: str
    target: models.Model | None = None
    town: Any = None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    note: str = ""
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    town=None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry to the audit log.

    `actor` is the user who acted (None for the system), `action` a dotted verb such as
    "cadre.update", `target` the object acted on; `old` and `new` hold the values before and
    after. The entry's town is taken from `target.town` unless given.
    """
    event = Event(action, target, town, old, new, note, object_type, object_id, object_repr)
    return record_many(actor=actor, events=[event])[0]


def record_many(*, actor, events: list[Event]) -> list[AuditEntry]:
    """Append several entries by one actor at once (a score grid, an import), in one insert.

    The entries are chained in the order given, exactly as if `record` had been called for each.
    """
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if not events:
        return []
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": chain.GENESIS}
        )
        key = _signing_key(head)
        entries = []
        if head.chain_version != chain.KEYED:
            # The first keyed entry: it says so, and the head is anchored outside the database.
            if head.count:
                entries.append(Event("audit.rekey", note=REKEY_NOTE, object_repr="audit log"))
            transaction.on_commit(lambda: anchor_now(reason="the log is keyed from here on"), robust=True)
        entries.extend(events)
        built = _chain(head.last_hash, key, actor_user, entries)
        AuditEntry.objects.bulk_create(built)
        AuditHead.objects.filter(pk=1).update(
            last_hash=built[-1].hash, count=models.F("count") + len(built), chain_version=chain.KEYED
        )
    return built[len(built) - len(events) :]


def _chain(previous: str, key: bytes, actor_user, events: list[Event]) -> list[AuditEntry]:
    now = timezone.now()
    entries = []
    for event in events:
        target = event.target
        town = event.town
        if target is not None and town is None:
            town = getattr(target, "town", None)
        system = event.action.startswith("audit.")
        entry = AuditEntry(
            at=now,
            actor=None if system else actor_user,
            actor_name=actor_user.get_username() if actor_user and not system else "system",
            town=town,
            action=event.action,
            object_type=event.object_type or (target._meta.label_lower if target is not None else ""),
            object_id=event.object_id or (str(target.pk) if target is not None else ""),
            object_repr=event.object_repr or (str(target)[:200] if target is not None else ""),
            old=_jsonable(event.old) if event.old is not None else None,
            new=_jsonable(event.new) if event.new is not None else None,
            note=event.note,
            prev_hash=previous,
            chain_version=chain.KEYED,
        )
        entry.hash = chain.keyed_hash(key, entry.prev_hash, _hash_fields(entry))
        previous = entry.hash
        entries.append(entry)
    return entries


def _head() -> tuple[int, str]:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    return (head.count, head.last_hash) if head else (0, chain.GENESIS)


def anchor(*, reason: str) -> str:
    """Anchor the log's head outside the database; return it as "count:hash" to store with the caller.

    The head is written to the anchor file when the caller's transaction commits (a rolled-back
    publication leaves no anchor). `verifyaudit` then checks that the log still holds that entry
    at that position: a shorter or rewritten log is reported.
    """
    with transaction.atomic():
        count, last = _head()
    key = keys.read() or keys.create()
    line = anchors.format_line(key, count=count, head=last, reason=reason)
    transaction.on_commit(lambda: anchors.append_logged(line), robust=True)
    return f"{count}:{last}"


def anchor_now(*, reason: str) -> str:
    """Write the head to the anchor file at once (outside a transaction: after a check, by cron)."""
    with transaction.atomic():
        count, last = _head()
    key = keys.read() or keys.create()
    anchors.append(anchors.format_line(key, count=count, head=last, reason=reason))
    return f"{count}:{last}"


def record_reset(*, reason: str) -> None:
    """Note in the anchor file that the log is being emptied on purpose (a demo reset), once it is."""
    with transaction.atomic():
        count, last = _head()
    if not count:
        return
    key = keys.read() or keys.create()
    line = anchors.format_line(
        key,
        count=0,
        head=chain.GENESIS,
        reason=f"{anchors.RESET} {reason}; {count} entries before, last {last}",
    )
    transaction.on_commit(lambda: anchors.append_logged(line), robust=True)


@dataclass
class Scan:
    """What one pass over the chain found: its breaks, its length, the entries at some positions."""

    breaks: list[chain.Break]
    count: int
    at_position: dict[int, tuple[int, str]]  # position (1 = oldest) → (entry id, hash)


def verify_chain(*, batch_size: int = 2000) -> list[chain.Break]:
    """Recompute every hash in order; return the places where the stored chain breaks."""
    return scan_chain(batch_size=batch_size).breaks


def scan_chain(*, batch_size: int = 2000, positions: frozenset[int] = frozenset()) -> Scan:
    """Recompute every hash in order, and note the entries at `positions` (for the anchors)."""
    at_position: dict[int, tuple[int, str]] = {}
    seen = 0

    def rows():
        nonlocal seen
        last_id = 0
        while True:
            batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
            if not batch:
                return
            for entry in batch:
                seen += 1
                if seen in positions:
                    at_position[seen] = (entry.id, entry.hash)
                yield entry.id, entry.prev_hash, entry.hash, _hash_fields(entry), entry.chain_version
            last_id = batch[-1].id

    breaks = chain.verify(rows(), keys.read())
    # Hold the head while comparing it with the table, so that an entry appended meanwhile
    # (every login writes one) is not mistaken for tampering.
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        last = AuditEntry.objects.order_by("-id").first()
        count = AuditEntry.objects.count()
    if last and not head:
        breaks.append(chain.Break(last.id, "the record of the newest entry is missing"))
    if head and last and head.last_hash != last.hash:
        breaks.append(chain.Break(last.id, "the newest entry is not the one the log last wrote"))
    if head and head.count != count:
        breaks.append(
            chain.Break(last.id if last else 0, "entries are missing or were added outside the app")
        )
    return Scan(breaks, seen, at_position)

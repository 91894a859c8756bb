"""Reading the audit log: which entries a user may see, the list filters, and the chain check."""

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, towns_for
from kaoping.people.models import Town

from . import anchors, chain, keys, services, triggers
from .models import AuditEntry


def audited_towns(user: User) -> QuerySet[Town]:
    """The towns whose audit log the user may read."""
    towns = towns_for(user)
    return towns.filter(pk__in=[t.pk for t in towns if can(user, Action.VIEW_AUDIT_LOG, t)]).order_by("name")


NO_TOWN = "none"  # the town filter's value for entries outside any town


def entries_for(user: User) -> QuerySet[AuditEntry]:
    """The entries the user may read, newest first, with their user and town.

    A town's auditor reads that town's entries. Entries of no town (system events, failed
    logins of unknown accounts) need the right to read the log outside any town, which only a
    city-wide auditor grant gives.
    """
    visible = Q(town__in=audited_towns(user))
    if can(user, Action.VIEW_AUDIT_LOG, None):
        visible |= Q(town__isnull=True)
    return AuditEntry.objects.filter(visible).select_related("actor", "town").order_by("-id")


def entry_search(entries: QuerySet[AuditEntry], filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """`entries` narrowed by the list filters (see EntryFilterForm); an empty filter is ignored."""
    if town := filters.get("town"):
        entries = entries.filter(town__isnull=True) if town == NO_TOWN else entries.filter(town_id=town)
    if user := (filters.get("user") or "").strip():
        entries = entries.filter(Q(actor_name__icontains=user) | Q(actor__display_name__icontains=user))
    if action := (filters.get("action") or "").strip():
        entries = entries.filter(action__startswith=action)
    if object_type := filters.get("object_type"):
        entries = entries.filter(object_type=object_type)
    if date_from := filters.get("date_from"):
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to := filters.get("date_to"):
        entries = entries.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if q := (filters.get("q") or "").strip():
        entries = entries.filter(object_repr__icontains=q)
    return entries


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the local time zone: the town's day, not UTC's."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def distinct_values(entries: QuerySet[AuditEntry], field: str) -> list[str]:
    """The different non-empty values of `field` among `entries`, sorted (for filter choices)."""
    values = entries.order_by().exclude(**{field: ""}).values_list(field, flat=True).distinct()
    return sorted(values)


@lru_cache(maxsize=256)
def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """The model's name in the user's language ("cadre" for "people.cadre"), or the raw type."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    old: str
    new: str
    changed: bool


# Personal data kept in old and new values, and how much of it stays readable when masked:
# (characters kept at the start, at the end).
PERSONAL_KEYS = {"id_number": (6, 4), "phone": (3, 4)}


def changes(entry: AuditEntry, *, reveal_personal: bool = False) -> list[Change]:
    """Old and new values side by side, one row per key in either, labelled with the field's name.

    ID numbers and phone numbers are masked unless `reveal_personal`: the auditor sees that
    they changed, not what they are. Every entry ever written reads: values that are not a
    mapping (a list, a number, a text) show as one row, keys that name no field of the model
    (or a model since renamed or removed) show as written.
    """
    old, new = _as_mapping(entry.old), _as_mapping(entry.new)
    keys = list(new) + [k for k in old if k not in new]
    model = _model(entry.object_type)
    rows = []
    for key in keys:
        show = display_value if reveal_personal or key not in PERSONAL_KEYS else _masker(*PERSONAL_KEYS[key])
        rows.append(
            Change(
                key=key,
                label=_field_label(model, key) if key != WHOLE_VALUE else gettext("value"),
                old=show(old.get(key)),
                new=show(new.get(key)),
                changed=key not in old or key not in new or old[key] != new[key],
            )
        )
    return rows


# The key under which a value that is not a mapping is shown.
WHOLE_VALUE = ""


def _as_mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {WHOLE_VALUE: value}


def _masker(head: int, tail: int):
    def mask(value: Any) -> str:
        text = display_value(value)
        if len(text) <= head + tail:
            return "*" * len(text)
        return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]

    return mask


def _field_label(model, key: str) -> str:
    """The field's name in the user's language; for a reverse relation ("cadres" of a town), the
    related model's plural name; the key itself when the model has no such field."""
    if model is None:
        return key
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    label = getattr(field, "verbose_name", None)
    if label is None and getattr(field, "related_model", None) is not None:
        label = field.related_model._meta.verbose_name_plural
    return str(label) if label else key


def display_value(value: Any) -> str:
    """A stored JSON value as a person reads it: text as is, yes or no, other values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Finding:
    """Something the anchor check found: an English text with %(name)s placeholders, and its values.

    The texts are listed in `ANCHOR_TEXTS` so that the page can show them translated.
    """

    text: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return self.text % self.params


ANCHOR_TEXTS = (
    gettext_noop("The audit key is missing: the chain's keyed entries and the anchors cannot be checked."),
    gettext_noop("Line %(line)d of the anchor file was altered or was not written by this application."),
    gettext_noop(
        "The log has %(count)d entries, but %(anchored)d were anchored on %(at)s (%(reason)s): "
        "entries were removed."
    ),
    gettext_noop(
        "Entry #%(id)d is not the entry anchored at position %(anchored)d on %(at)s (%(reason)s): "
        "the log was rewritten."
    ),
    gettext_noop(
        "The log has %(count)d entries, but %(anchored)d were anchored when %(town)s published "
        "%(month)s: entries were removed."
    ),
    gettext_noop(
        "Entry #%(id)d is not the entry anchored when %(town)s published %(month)s: the log was rewritten."
    ),
    gettext_noop("The anchor stored with %(town)s %(month)s is not one the application wrote."),
    gettext_noop("The anchor file %(file)s is missing, although published months were anchored in it."),
    gettext_noop(
        "The log was emptied on purpose on %(at)s (%(reason)s); the anchors before that belong to the "
        "emptied log."
    ),
)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    breaks: list[chain.Break]
    missing_triggers: list[str]
    anchors_checked: int = 0
    anchor_problems: list[Finding] = dataclasses.field(default_factory=list)
    notices: list[Finding] = dataclasses.field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks and not self.missing_triggers and not self.anchor_problems


@dataclass(frozen=True)
class _Anchored:
    count: int
    head: str
    where: dict[str, Any]  # how to name the anchor in a finding
    period: bool


def _period_anchors() -> tuple[list[_Anchored], list[Finding]]:
    """The heads stored with published months (the scoring app's `Period.audit_anchor`)."""
    Period = apps.get_model("scoring", "Period")
    found, bad = [], []
    for period in Period.objects.exclude(audit_anchor="").select_related("town").order_by("pk"):
        where = {"town": period.town.name, "month": f"{period.month:%Y-%m}"}
        count, _, head = period.audit_anchor.partition(":")
        if not count.isdigit() or len(head) != 64:
            bad.append(Finding(ANCHOR_TEXTS[6], where))
            continue
        found.append(_Anchored(int(count), head, where, period=True))
    return found, bad


def _file_anchors() -> tuple[list[_Anchored], list[Finding], list[Finding]]:
    """The anchors of the anchor file since its last reset, the bad lines, and the resets."""
    if not anchors.exists():
        return [], [], []
    key = keys.read()
    if key is None:
        return [], [Finding(ANCHOR_TEXTS[0], {})], []
    lines, bad_lines = anchors.read(key)
    problems = [Finding(ANCHOR_TEXTS[1], {"line": b.line}) for b in bad_lines]
    resets = [a for a in lines if a.is_reset]
    notices = [Finding(ANCHOR_TEXTS[8], {"at": r.at, "reason": r.reason}) for r in resets[-1:]]
    since = [a for a in lines if not resets or a.line > resets[-1].line]
    found = [_Anchored(a.count, a.head, {"at": a.at, "reason": a.reason}, period=False) for a in since]
    return found, problems, notices


def chain_report() -> ChainReport:
    """Verify the whole chain, its anchors outside the database, and that the database refuses changes."""
    file_anchors, problems, notices = _file_anchors()
    period_anchors, bad_periods = _period_anchors()
    problems += bad_periods
    if period_anchors and not anchors.exists():
        problems.append(Finding(ANCHOR_TEXTS[7], {"file": str(anchors.path())}))
    anchored = file_anchors + period_anchors
    scan = services.scan_chain(positions=frozenset(a.count for a in anchored if a.count))
    for item in anchored:
        if item.count == 0:  # anchored while the log was empty: nothing to hold it to
            continue
        if item.count > scan.count:
            text = ANCHOR_TEXTS[4] if item.period else ANCHOR_TEXTS[2]
            problems.append(Finding(text, {"count": scan.count, "anchored": item.count, **item.where}))
            continue
        entry_id, entry_hash = scan.at_position[item.count]
        if entry_hash != item.head:
            text = ANCHOR_TEXTS[5] if item.period else ANCHOR_TEXTS[3]
            problems.append(Finding(text, {"id": entry_id, "anchored": item.count, **item.where}))
    return ChainReport(
        checked=scan.count,
        breaks=scan.breaks,
        missing_triggers=triggers.missing(connection),
        anchors_checked=len(anchored),
        anchor_problems=problems,
        notices=notices,
    )

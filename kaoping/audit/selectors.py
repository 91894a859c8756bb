"""Reading the audit log: which entries a user may see, the list filters, and the chain check."""

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
from django.utils.translation import gettext

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, towns_for
from kaoping.people.models import Town

from . import chain, services, triggers
from .models import AuditEntry


def audited_towns(user: User) -> QuerySet[Town]:
    """The towns whose audit log the user may read."""
    towns = towns_for(user)
    return towns.filter(pk__in=[t.pk for t in towns if can(user, Action.VIEW_AUDIT_LOG, t)]).order_by("name")


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
        entries = entries.filter(town=town)
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
class ChainReport:
    checked: int
    breaks: list[chain.Break]
    missing_triggers: list[str]

    @property
    def intact(self) -> bool:
        return not self.breaks and not self.missing_triggers


def chain_report() -> ChainReport:
    """Verify the whole chain and that the database still refuses changes to it."""
    breaks = services.verify_chain()
    return ChainReport(
        checked=AuditEntry.objects.count(),
        breaks=breaks,
        missing_triggers=triggers.missing(connection),
    )

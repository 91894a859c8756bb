"""No lost update: a save of an existing record carries the version the page was loaded with.

Every record a form edits has a `version` integer, raised by one at each change. The edit page
sends the version it showed in a hidden field (`core/_version.html`, read with `page_version`),
and the service claims it before writing anything:

    UPDATE … SET version = version + 1 WHERE id = … AND version = <based on>

Of two saves made from the same page, exactly one changes a row. On PostgreSQL the second UPDATE
waits for the first transaction's row lock and then finds the version moved; on SQLite transactions
begin IMMEDIATE, so the second waits for the first to commit. The one that lost is refused with who
changed the record last and when (read from the audit log), and writes nothing.
"""

from django.db import models
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.core.errors import DomainError
from kaoping.core.params import int_param

from .models import AuditEntry

VERSION_MAX = 2**31 - 1


class Conflict(DomainError):
    """The record changed after the page was loaded; the message names who changed it and when."""


def claim(
    instance: models.Model, based_on: int | None, *, field: str = "version", changes: Q | None = None
) -> None:
    """Raise the stored `field` of `instance` from `based_on` by one, or refuse the save.

    `changes` selects the audit entries that change what `field` counts (by default the entries
    whose object is `instance`), to say who changed it last. On success the instance holds the new
    version, so that its `save()` keeps it.

    Claim after every check that may refuse the change: the instance keeps the claimed version even
    when the transaction is rolled back afterwards, and a caller holding it would then be refused as
    stale (`indicators.services.weights_set` refuses a published month before claiming, for this).
    """
    model = type(instance)
    claimed = based_on is not None and (
        model._default_manager.filter(pk=instance.pk, **{field: based_on}).update(**{field: F(field) + 1})
    )
    if not claimed:
        raise Conflict(conflict_message(instance, changes))
    setattr(instance, field, based_on + 1)  # type: ignore[operator]


def bump(instance: models.Model, *, field: str = "version") -> None:
    """Raise the stored version by one for a change that needs no page's version (a status move,
    an import), so that an edit page opened before it is refused rather than writing over it."""
    type(instance)._default_manager.filter(pk=instance.pk).update(**{field: F(field) + 1})
    instance.refresh_from_db(fields=[field])


def conflict_message(instance: models.Model, changes: Q | None = None) -> str:
    """The refusal of a save based on an older version: who changed it and when, if the log says."""
    if changes is None:
        changes = Q(object_type=instance._meta.label_lower, object_id=str(instance.pk))
    last = AuditEntry.objects.filter(changes).select_related("actor").order_by("-id").first()
    if last is None:
        return _(
            "Someone else changed this after you opened the page: nothing was saved. "
            "Reload the page to see their changes, then make yours again."
        )
    who = (last.actor.display_name or last.actor.username) if last.actor else last.actor_name
    return _(
        "%(who)s changed this at %(when)s, after you opened the page: nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    ) % {"who": who, "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M")}


def page_version(request: HttpRequest, current: int) -> int:
    """The version an edit page works from: the record's `current` one when the page is shown, and
    on a post the one its hidden field sent back (-1 if missing or garbage: matches no version, so
    the service refuses the save as a conflict)."""
    if request.method != "POST":
        return current
    posted = int_param(request.POST.get("version"), low=0, high=VERSION_MAX)
    return -1 if posted is None else posted

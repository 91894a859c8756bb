"""Posting, resolving and reading inbox messages.

Producers (the services of the apps above, which may import this one) call:

- `notify(recipients=…, kind=…, key=…, title=…, …)` when someone must act. Idempotent: a recipient
  who already has a message with `key` gets nothing new, so posting again (a reminder run twice, a
  request retried) is harmless. Choose keys that name the occasion: ``sheet.approve:12:<submitted at>``
  asks again after the next submission, ``item.due:7:2026-05-03:eve`` once for that deadline and day.
- `resolve(subject=…)` when the matter is done or obsolete: its open messages are marked done and
  no longer count as unread.
- `recipients_with_roles(town, roles, population=…)` and `users_of_cadres(cadre_ids)` to find whom
  to tell.

A producer whose steps post and resolve several messages about one thing says its subject, link, town
and actor once in a `matters.Matter`, which calls these two.

Titles and texts are written in the site's language (`LANGUAGE_CODE`), whoever's request posted them.
E-mail delivery is off by default (`KAOPING_INBOX_EMAIL`); when on, each new message is also sent
to its recipient's address, if any, through Django's e-mail backend once the transaction commits.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from kaoping.accounts.models import Role, User
from kaoping.core.reads import Read
from kaoping.people.models import Town

from .models import Message

Text = str | Promise


def _render(text: Text, params: dict[str, Any] | None) -> str:
    rendered = str(text)
    return rendered % params if params else rendered


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    title: Text,
    body: Text = "",
    params: dict[str, Any] | None = None,
    link: str = "",
    subject: str = "",
    town: Town | None = None,
    exclude: User | None = None,
) -> list[Message]:
    """Post one message to each recipient that does not have one with `key` yet; return those posted.

    `title` and `body` may be lazy translations with %-placeholders filled from `params`; they are
    rendered in the site's language. `exclude` (usually the actor) gets nothing: nobody is asked to act
    on their own step.
    """
    people = {u.pk: u for u in recipients if u.is_active and (exclude is None or u.pk != exclude.pk)}
    if not people:
        return []
    already = set(
        Message.objects.filter(recipient_id__in=people, key=key).values_list("recipient_id", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        title_text, body_text = _render(title, params)[:200], _render(body, params)
    now = timezone.now()
    new = [
        Message(
            recipient=people[pk],
            town=town,
            kind=kind,
            title=title_text,
            body=body_text,
            link=link,
            key=key,
            subject=subject,
            created_at=now,
        )
        for pk in sorted(people.keys() - already)
    ]
    # ignore_conflicts: a concurrent run that posted the same key first wins; nothing is doubled.
    Message.objects.bulk_create(new, ignore_conflicts=True)
    if new and settings.KAOPING_INBOX_EMAIL:
        recipient_ids = [m.recipient_id for m in new]
        transaction.on_commit(lambda: _email(key, recipient_ids))
    return new


def _email(key: str, recipient_ids: list[int]) -> None:
    """Mail the message `key` to those of `recipient_ids` not mailed yet who have an address (two queries)."""
    site = settings.KAOPING_SITE_URL.rstrip("/")
    messages = list(
        Message.objects.select_related("recipient")
        .filter(key=key, recipient_id__in=recipient_ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
    )
    mails = []
    for message in messages:
        text = message.body
        if message.link:
            text = f"{text}\n\n{site}{message.link}".strip()
        mails.append((message.title, text, settings.DEFAULT_FROM_EMAIL, [message.recipient.email]))
    if mails:
        send_mass_mail(mails, fail_silently=True)  # the inbox holds the message whatever the mail does
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(emailed_at=timezone.now())


def resolve(*, subject: str, kinds: Iterable[str] | None = None) -> int:
    """Mark the open messages about `subject` (of `kinds`, if given) done; return how many."""
    messages = Message.objects.filter(subject=subject, done_at__isnull=True)
    if kinds is not None:
        messages = messages.filter(kind__in=list(kinds))
    return messages.update(done_at=timezone.now())


def recipients_with_roles(town: Town, roles: Iterable[Role], *, population: str = "") -> QuerySet[User]:
    """The active users holding one of `roles` in `town`; a per-population role (scorer, group
    leader) counts only for `population` when one is given."""
    roles = list(roles)
    per_population = [r for r in roles if r in Role.for_population()] if population else []
    others = [r for r in roles if r not in per_population]
    held = Q(roles__role__in=others) | Q(roles__role__in=per_population, roles__population=population)
    return User.objects.filter(held, roles__town=town, is_active=True).distinct().order_by("pk")


def users_of_cadres(cadre_ids: Iterable[int]) -> QuerySet[User]:
    """The active accounts linked to these cadres."""
    return User.objects.filter(is_active=True, cadre_id__in=list(cadre_ids))


def mark_read(*, user: User, message: Message) -> Message:
    """Mark one of the user's own messages read."""
    if message.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user read; return how many."""
    return Message.objects.for_user(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# Counted on every page (the navigation's badge): a statement built once, the condition of
# `MessageQuerySet.for_user(user).unread()`.
_UNREAD = Read(Message, "t.recipient_id = %s AND t.read_at IS NULL AND t.done_at IS NULL")


def unread_count(user: User) -> int:
    return _UNREAD.count(user.pk)

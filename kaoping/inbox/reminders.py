"""Scheduled reminders: a registry of sources that `kaoping remind` asks once a day.

A reminder source is a function `source(today: date) -> Iterable[Reminder]` that returns the
reminders due on `today`. It reads its own app's tables; `kaoping remind` posts what it returns
through `services.notify`, so a reminder whose `key` was already posted to a person is not posted
again: running the command twice on a day, or catching up a missed day with `--date`, sends each
reminder once. Give each reminder a key naming the thing, the deadline and the step
(``sheet.due:12:2026-06-05:eve``), so that a moved deadline reminds again and the same day does not.

An app registers its sources where Django starts it, without this app importing it::

    class RecordsConfig(AppConfig):
        def ready(self):
            from kaoping.inbox import reminders   # below records in the layers

            from . import reminders as mine
            reminders.register("records.missing", mine.missing_records)

Sources can also be named in the setting ``KAOPING_REMINDER_SOURCES`` (a list of
``"name=dotted.path.to.function"``), which is how a deployment adds one without code in `ready()`.
Registered now: ``scoring.sheets_due`` (score sheets of an open month not submitted or approved
around the month's due day), ``supervision.items_due`` (items due tomorrow, today, or overdue),
``records.missing`` (leaders in charge with records not submitted, the day before the deadline and on
it), ``quarterly.rectifications_due`` (open rectifications whose deadline has come, to the group
leader for review), ``appeals.answers_due`` (objections and reviews whose written answer is due
tomorrow, today or overdue, to the assessment office) and ``annual.confirm_due`` (a published year of
annual grades whose publication window has passed, not confirmed yet, to the assessment office).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from kaoping.accounts.models import User
from kaoping.people.models import Town

from . import services


@dataclass(frozen=True)
class Reminder:
    """One reminder to post: the same fields as `services.notify`."""

    recipients: tuple[User, ...]
    kind: str
    key: str
    title: str | Promise
    body: str | Promise = ""
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    subject: str = ""
    town: Town | None = None


ReminderSource = Callable[[date], Iterable[Reminder]]

_SOURCES: dict[str, ReminderSource] = {}


def register(name: str, source: ReminderSource) -> None:
    """Register `source` under `name` (registering the same name again replaces it)."""
    _SOURCES[name] = source


def sources() -> dict[str, ReminderSource]:
    """The registered sources and those named in ``KAOPING_REMINDER_SOURCES``, by name."""
    found = dict(_SOURCES)
    for entry in getattr(settings, "KAOPING_REMINDER_SOURCES", []):
        name, _sep, path = entry.partition("=")
        found[name.strip()] = import_string(path.strip())
    return dict(sorted(found.items()))


@dataclass
class Outcome:
    name: str
    due: int = 0  # (reminder, recipient) pairs due today
    posted: int = 0  # of which new: not posted by an earlier run


def send_due(today: date, *, only: Iterable[str] | None = None, dry_run: bool = False) -> list[Outcome]:
    """Post every reminder the sources say is due on `today`; return what each source did."""
    chosen = sources()
    if only is not None:
        wanted = set(only)
        unknown = wanted - chosen.keys()
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        chosen = {n: s for n, s in chosen.items() if n in wanted}
    outcomes = []
    for name, source in chosen.items():
        outcome = Outcome(name)
        for reminder in source(today):
            outcome.due += len(reminder.recipients)
            if dry_run:
                continue
            posted = services.notify(
                recipients=reminder.recipients,
                kind=reminder.kind,
                key=reminder.key,
                title=reminder.title,
                body=reminder.body,
                params=reminder.params,
                link=reminder.link,
                subject=reminder.subject,
                town=reminder.town,
            )
            outcome.posted += len(posted)
        outcomes.append(outcome)
    return outcomes

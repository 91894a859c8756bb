"""What a producer's messages are about, said once: a `Matter`.

A notices module (scoring, supervision, pay, quarterly, appeals) builds one `Matter` for the thing
its messages are about: the subject that ties them together and resolves them, the page they link
to, the town, and who acted (nobody is asked to act on their own step).
Each step then says only what is its own: who is told, the kind, the key and the words::

    sheet = Matter(subject=f"scoring.sheet:{pk}", link=grid_url, town=town, actor=actor)
    sheet.resolve(FILL, RETURNED)
    sheet.notify(recipients=leaders, kind=APPROVE, key=f"{APPROVE}:{pk}:…", title=…, params=…)

A reminder source yields `matter.reminder(...)` with the same fields; `kaoping remind` posts it.
Everything goes through `services.notify` and `services.resolve`, which stay the one way in.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kaoping.accounts.models import User
from kaoping.people.models import Town

from . import services
from .models import Message
from .reminders import Reminder
from .services import Text


@dataclass(frozen=True)
class Matter:
    """The thing some messages are about: `subject` (``supervision.item:7``), the page they link to,
    the town, and the `actor` whose step posts them (told nothing; a reminder has none)."""

    subject: str
    link: str = ""
    town: Town | None = None
    actor: User | None = None

    def notify(
        self,
        *,
        recipients: Iterable[User],
        kind: str,
        key: str,
        title: Text,
        body: Text = "",
        params: dict[str, Any] | None = None,
    ) -> list[Message]:
        """Post a message about this matter to each of `recipients` but the actor (`services.notify`:
        once per person and `key`); return those posted."""
        return services.notify(
            recipients=recipients,
            kind=kind,
            key=key,
            title=title,
            body=body,
            params=params,
            link=self.link,
            subject=self.subject,
            town=self.town,
            exclude=self.actor,
        )

    def reminder(
        self,
        *,
        recipients: Iterable[User],
        kind: str,
        key: str,
        title: Text,
        body: Text = "",
        params: dict[str, Any] | None = None,
    ) -> Reminder:
        """The same message as a reminder for `kaoping remind` to post."""
        return Reminder(
            recipients=tuple(recipients),
            kind=kind,
            key=key,
            title=title,
            body=body,
            params=params or {},
            link=self.link,
            subject=self.subject,
            town=self.town,
        )

    def resolve(self, *kinds: str) -> int:
        """Mark this matter's open messages of `kinds` done, or all of them when no kind is named;
        return how many."""
        return services.resolve(subject=self.subject, kinds=kinds or None)

"""The registry of what can be objected to and reviewed (异议、复核): kinds of subject.

A kind (``"results.month"``: a cadre's published monthly result; ``"annual.grade"``: an annual grade)
is registered once, in its app's `AppConfig.ready()`, with `register(Kind(...))`. The registry sits
in the bottom layer (like `core.events`), so that any app may register a kind wherever it sits, beside
the appeals app or above it, and the appeals app (`kaoping/appeals`), which reads the registry, never
imports the apps that register kinds. A kind says:

- `load(town, ids)`: the subjects with these ids in the town, as `Subject`s, in a fixed number of
  queries; an id of another town or not (yet) open to objections is simply absent;
- the subject's person (`Subject.cadre_id`), its label, its outcome now (`Subject.outcome`, and how it
  reads, `outcome_label`), when its publication window opened (`Subject.published_on`) and, when the
  kind confirms apart from the window (the office confirms the annual grades), the day it was confirmed
  (`Subject.confirmed_on`; None: confirmed when the publication window has passed, unless
  `Subject.confirmed_apart` says the kind confirms apart and it is not confirmed yet: no review then);
- `worst_to_best`: the ordered outcomes (grades, worst first), or None when the outcomes order
  themselves (a monthly total: higher is better);
- `improve(actor=…, subject=…, data=…, reason=…)`: apply an improvement through the kind's own audited
  path and return what it led to (`Improvement`); `data` is what the answer form posted for the fields
  of `improvement_template`, rendered with `improvement_context(subject)`. The appeals service checks
  the result with `engine.appeals.rule_on_review` (never worse) in the same transaction, so a worse
  result undoes the change.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Subject:
    """One thing a cadre may object to: what the appeals pages and services need of it."""

    kind: str
    id: int
    town_id: int
    cadre_id: int
    label: str  # "2026-10 monthly result"
    url: str  # where the subject is shown
    outcome: Any  # the current outcome, in the kind's order
    outcome_label: str  # how it reads: "86.50", "称职"
    published_on: date  # the publication window opens
    confirmed_on: date | None = None  # None: confirmed when the publication window has passed
    confirmed_apart: bool = False  # confirmed by a step of its own: None above means not yet confirmed


@dataclass(frozen=True)
class Improvement:
    """What an improvement led to: the new outcome and where the change is recorded."""

    outcome: Any
    outcome_label: str
    reference: str = ""  # "results.correction:12"
    reference_url: str = ""


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    load: Callable[[Any, Iterable[int]], dict[int, Subject]]  # (town, ids)
    improve: Callable[..., Improvement]
    improvement_template: str
    improvement_context: Callable[[Subject], dict] = lambda subject: {}
    worst_to_best: Sequence[Any] | None = None
    # How the answer page names where an improvement is recorded, and what the cadre reads of it.
    reference_label: str | Promise = ""  # "" : "The correction"
    reference_note: str | Promise = ""  # "" : it takes effect when the correction is published
    # What the answer form's confirmation says an improvement does ("": the monthly results' words,
    # `appeals.services.ANSWER_CONSEQUENCE`: it goes into the month's correction).
    answer_note: str | Promise = ""


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind of subject (registering the same key again replaces it)."""
    _KINDS[kind.key] = kind
    return kind


def kind(key: str) -> Kind | None:
    return _KINDS.get(key)


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def subject(town: Any, key: str, subject_id: int) -> Subject | None:
    """The subject `subject_id` of kind `key` in `town`, or None (unknown kind, id, or another town)."""
    found = kind(key)
    if found is None:
        return None
    return found.load(town, [subject_id]).get(subject_id)


def improve(
    kind_key: str, *, actor: Any, subject: Subject, data: Mapping[str, str], reason: str
) -> Improvement:
    """Apply an improvement through the kind's own path (see the module's docstring)."""
    return _KINDS[kind_key].improve(actor=actor, subject=subject, data=data, reason=reason)

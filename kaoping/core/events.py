"""The one way an input area tells the results that a month's inputs changed, and asks whether a
month is frozen (docs/architecture.md, "Mechanisms").

The input areas (scoring, evaluation, supervision, indicators) sit below the results in the layers
and must not import them. They announce instead:

- `inputs_changed(...)` sends `INPUTS_CHANGED` with one argument, `change` (an `InputsChanged`).
  The results app connects its receiver in `ResultsConfig.ready()` and does what the change needs:
  recompute the months not published; for a published (frozen) month, propose its pending
  correction. The receiver runs synchronously, in the sender's transaction: a grid save and the
  results it changes are written together or not at all, and a refusal raised while recomputing
  (a `DomainError`) undoes the save that caused it. No queue, no second source of truth.
- `last_frozen_month(town_id=…, year=…)` sends `FROZEN_ASKED`; every receiver answers with the last
  month of that town and year that is frozen (published), or None. A lower layer that must refuse
  a change reaching into a frozen month (a weight, a scheme's settings) asks it and refuses with its
  own message.

Nothing here imports another kaoping app: `core` is the bottom layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.dispatch import Signal

INPUTS_CHANGED = Signal()  # kwargs: change: InputsChanged
FROZEN_ASKED = Signal()  # kwargs: town_id: int, year: int; receivers return date | None


@dataclass(frozen=True)
class InputsChanged:
    """What changed: the months of a town whose results may differ now.

    town: the `people.Town` whose months changed.
    months: the first days of the months whose inputs changed.
    actor: who caused it (a `User`, None for a system step); a pending correction names them.
    cause: the reason a pending correction shows (“Supervision item verified: …”), translated.
    computed_only: True when the input comes from another area (an evaluation round, a supervision
        item): a month whose results were never computed is left alone until its own sheets are.
        False for the month's own inputs (a grid save, an excusal, a bonus decided): computed now.
    and_later: True when the change carries over to the later months of the year (a bonus or
        deduction uses up the year's caps): every later month already computed follows.
    frozen_too: False to leave published months alone (a rule change that applies from now on
        proposes no correction); True (the default) proposes one when a published month differs.
    schemes: the ids of the schemes (each a population ranked on its own) whose inputs changed,
        when the change reaches no other population (a score sheet's cells, an excusal): only their
        results are recomputed. Empty (the default): every scheme of the month, as a change that
        reaches several populations needs (a weight, a democratic result, a supervision item, a
        bonus or deduction, which also moves later months' caps).
    cells: the (cadre id, indicator id) of the score cells that changed, when the change is only
        those cells of one scheme's sheet (a grid save): results may then recompute only those
        cadres and rank the population again. Empty: not known, or more than cells changed.
    """

    town: Any
    months: tuple[date, ...]
    actor: Any = None
    cause: str = ""
    computed_only: bool = False
    and_later: bool = False
    frozen_too: bool = True
    schemes: tuple[int, ...] = ()
    cells: tuple[tuple[int, int], ...] = ()


def inputs_changed(
    *,
    sender: type | str,
    town: Any,
    months: list[date] | tuple[date, ...],
    actor: Any = None,
    cause: str = "",
    computed_only: bool = False,
    and_later: bool = False,
    frozen_too: bool = True,
    schemes: list[int] | tuple[int, ...] = (),
    cells: Iterable[tuple[int, int]] = (),
) -> InputsChanged:
    """Announce that these months' inputs changed; the results receiver acts before this returns."""
    change = InputsChanged(
        town=town,
        months=tuple(sorted(set(months))),
        actor=actor,
        cause=str(cause),
        computed_only=computed_only,
        and_later=and_later,
        frozen_too=frozen_too,
        schemes=tuple(sorted(set(schemes))),
        cells=tuple(sorted(set(cells))),
    )
    INPUTS_CHANGED.send(sender=sender, change=change)
    return change


def last_frozen_month(*, town_id: int, year: int) -> date | None:
    """The last frozen (published) month of the town's year, or None: the latest any receiver names."""
    answers = [answer for _receiver, answer in FROZEN_ASKED.send(sender=None, town_id=town_id, year=year)]
    frozen = [answer for answer in answers if answer is not None]
    return max(frozen) if frozen else None

"""Ranking cadres: one function for a month, a quarter to date and the year to date (pure: no database).

`rank` orders standings by their total, then by each criterion of the scheme's tie-break chain in
turn, and gives standard competition ranks (1, 1, 3): cadres equal on the total and on every
criterion share a rank, and the next rank skips. Where two equal totals were separated, the lower one
carries the `Decision`: which criterion decided and the two values it compared, for the page and the
export to show.

Values are compared as a person sees them, rounded half-up to 2 places: a tie is never broken by a
digit nobody can see.

Over a span of months (`span_standing`), the total is the mean of the cadre's monthly totals over the
months counted, and each tie-break criterion is the mean of its monthly value over the same months:
the mean performance score, the mean bonus, the mean deduction (fewer is better), and the mean
democratic-evaluation score over the months that have one (none: the cadre comes after those who have
one). Each mean is rounded half-up to 2 places from its exact value. A mean rather than a sum, so
that a cadre with fewer months counted is neither helped nor hurt by the number of months.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
NONE_YET = Decimal("-Infinity")  # how a missing democratic score compares: after every score

# The tie-break criteria: for each, the value of a standing it compares and whether more is better.
HIGHER_IS_BETTER: dict[str, bool] = {
    "performance": True,
    "democratic": True,
    "fewer_deductions": False,
    "bonus": True,
}


class RankingError(ValueError):
    """A ranking that cannot be made: an unknown tie-break, or the same cadre twice."""


def shown(value: Decimal) -> Decimal:
    """A value as a page shows it: rounded half-up to 2 places."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Standing:
    """What one cadre is ranked by: the total and the values the tie-break criteria compare."""

    key: int  # the cadre
    total: Decimal
    performance: Decimal = Decimal(0)
    democratic: Decimal | None = None
    deduction: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)

    def value(self, criterion: str) -> Decimal | None:
        """The value `criterion` compares, as shown (None: no democratic score)."""
        if criterion == "performance":
            return shown(self.performance)
        if criterion == "democratic":
            return None if self.democratic is None else shown(self.democratic)
        if criterion == "fewer_deductions":
            return shown(self.deduction)
        if criterion == "bonus":
            return shown(self.bonus)
        raise RankingError(f"unknown tie-break {criterion}")


@dataclass(frozen=True)
class Decision:
    """Why a cadre comes after the one above although their totals are equal."""

    criterion: str
    above: Decimal | None  # the value of the cadre placed just above
    mine: Decimal | None  # this cadre's value
    above_key: int  # the cadre placed just above

    @property
    def sign(self) -> str:
        """How the two values compare, read from the one above: ">" or "<" (fewer deductions)."""
        return ">" if HIGHER_IS_BETTER[self.criterion] else "<"


@dataclass(frozen=True)
class Placed:
    key: int
    rank: int
    decided_by: Decision | None = None


def _order(standing: Standing, criterion: str) -> Decimal:
    """The value of `criterion` turned so that more is always better."""
    value = standing.value(criterion)
    if value is None:
        return NONE_YET
    return value if HIGHER_IS_BETTER[criterion] else -value


def rank(standings: Iterable[Standing], tie_breaks: Sequence[str] = ()) -> list[Placed]:
    """Standard competition ranking (1, 1, 3) by total, then by each tie-break in turn, best first.

    Cadres equal on everything share a rank and are listed by key. A cadre placed below another of
    equal total carries the criterion that decided and both values. Raises RankingError for an
    unknown tie-break or a cadre given twice.
    """
    unknown = [name for name in tie_breaks if name not in HIGHER_IS_BETTER]
    if unknown:
        raise RankingError(f"unknown tie-break {', '.join(unknown)}")
    given = list(standings)
    if len({s.key for s in given}) != len(given):
        raise RankingError("a cadre is ranked twice")

    def sort_key(s: Standing) -> tuple[Decimal, ...]:
        return (s.total, *(_order(s, name) for name in tie_breaks))

    ordered = sorted(sorted(given, key=lambda s: s.key), key=sort_key, reverse=True)
    placed: list[Placed] = []
    for position, standing in enumerate(ordered, start=1):
        above = ordered[position - 2] if position > 1 else None
        if above is not None and sort_key(standing) == sort_key(above):
            placed.append(Placed(standing.key, placed[-1].rank))  # equal on everything: the same rank
        elif above is not None and standing.total == above.total:
            placed.append(Placed(standing.key, position, _decision(above, standing, tie_breaks)))
        else:
            placed.append(Placed(standing.key, position))
    return placed


def _decision(above: Standing, mine: Standing, tie_breaks: Sequence[str]) -> Decision:
    """The first criterion of the chain on which two equal totals that `rank` separated differ."""
    for name in tie_breaks:
        if _order(above, name) != _order(mine, name):
            return Decision(name, above.value(name), mine.value(name), above.key)
    raise AssertionError("separated equal totals differ on a criterion")  # pragma: no mutate


def ranks(placed: Iterable[Placed]) -> dict[int, int]:
    """{key: rank} of a ranking."""
    return {p.key: p.rank for p in placed}


def span_mean(values: Sequence[Decimal]) -> Decimal:
    """The mean of the values (none negative), rounded half-up to 2 places from its exact value."""
    if not values:
        raise RankingError("a mean needs at least one value")
    if any(v < 0 for v in values):
        raise RankingError("a mean of scores takes no negative value")
    exact = Fraction(sum(values)) / len(values)
    return Decimal(math.floor(exact * 100 + Fraction(1, 2))) * CENT


@dataclass(frozen=True)
class Month:
    """One stored monthly result of a cadre, the part a ranking reads."""

    total: Decimal
    performance: Decimal
    bonus: Decimal
    deduction: Decimal
    democratic: Decimal | None


def span_standing(key: int, months: Sequence[Month]) -> Standing:
    """A cadre's standing over the months counted: the mean of each value (see the module's docstring)."""
    democratic = [m.democratic for m in months if m.democratic is not None]
    return Standing(
        key=key,
        total=span_mean([m.total for m in months]),
        performance=span_mean([m.performance for m in months]),
        democratic=span_mean(democratic) if democratic else None,
        deduction=span_mean([m.deduction for m in months]),
        bonus=span_mean([m.bonus for m in months]),
    )

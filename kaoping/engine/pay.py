"""Sharing a pay pool among people to the cent (pure: no database).

Two pools are shared this way each year: the bonus pool of non-established staff (不在编人员奖金,
distributed by score) and the incentive share of public-institution performance pay (事业单位奖励性绩效工资).
The town chooses one of two methods for each pool:

- **grade tiers** (`Tiers`): every grade has a coefficient (优秀 1.2, 合格 1.0, …); a person's weight is
  the coefficient of their grade;
- **score above a floor** (`AboveFloor`): a person's weight is how far their annual score lies above the
  floor (nothing at or below it).

Either weight may be multiplied by the share of the year the person was in post (`Person.in_post`,
1 for a whole year), so that someone who joined in July is not paid as for twelve months.

The pool is then shared in proportion to the weights, exactly: each person's exact share is a fraction
of the pool's cents; everyone gets the whole cents of it, and the cents left over (fewer than the
number of people) go one each to the largest remainders (the largest-remainder, or Hamilton, method),
ties between equal remainders going to the larger weight and then to the smaller key, so that the same
input always gives the same amounts. The amounts therefore add up to the pool to the cent, nobody is
more than a cent from their exact share, and more weight never means less money.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


class PayError(ValueError):
    """A pool that cannot be shared: a negative or fractional-cent pool, an unknown grade, no weight."""


@dataclass(frozen=True)
class Person:
    """One person sharing the pool: their key, their annual score and grade, the share of the year in post."""

    key: int
    score: Decimal | None = None
    grade: str = ""
    in_post: Decimal = Decimal(1)


@dataclass(frozen=True)
class Tiers:
    """Grade tiers: each grade's coefficient. A grade not named here cannot be paid (PayError)."""

    coefficients: Mapping[str, Decimal]

    def weight(self, person: Person) -> Decimal:
        if person.grade not in self.coefficients:
            raise PayError(f"no coefficient for grade {person.grade!r}")
        return self.coefficients[person.grade]


@dataclass(frozen=True)
class AboveFloor:
    """Score above a floor: the weight is the score minus the floor; none at or below it or without one."""

    floor: Decimal

    def weight(self, person: Person) -> Decimal:
        if person.score is None or person.score <= self.floor:
            return Decimal(0)
        return person.score - self.floor


Method = Tiers | AboveFloor


@dataclass(frozen=True)
class Allocation:
    """One person's amount and how it was reached."""

    key: int
    weight: Decimal  # the method's weight times the share of the year in post
    exact: Fraction  # the exact share of the pool, in yuan
    amount: Decimal  # what is paid, in yuan, to the cent
    extra_cent: bool  # whether one of the cents left over went to this person


def weights(people: Sequence[Person], method: Method) -> dict[int, Decimal]:
    """Each person's weight: the method's weight times their share of the year in post."""
    result: dict[int, Decimal] = {}
    for person in people:
        if person.key in result:
            raise PayError(f"person {person.key} appears twice")
        if not Decimal(0) <= person.in_post <= Decimal(1):
            raise PayError(f"share of the year in post of {person.key} must lie between 0 and 1")
        weight = method.weight(person)
        if weight < 0:
            raise PayError(f"negative weight for {person.key}")
        result[person.key] = weight * person.in_post
    return result


def distribute(pool: Decimal, people: Sequence[Person], method: Method) -> list[Allocation]:
    """Share `pool` (yuan, whole cents) among `people` by `method`; the amounts add up to `pool` exactly.

    Returns one allocation per person, in the order given. PayError when the pool is negative or not in
    whole cents, a person appears twice, a grade has no coefficient, or nobody has any weight while the
    pool is not empty.
    """
    if pool < 0 or pool != pool.quantize(CENT):
        raise PayError("the pool must be zero or more, in whole cents")
    by_key = weights(people, method)
    total_weight = sum(by_key.values(), Decimal(0))
    cents = int(pool / CENT)
    if cents and not total_weight:
        raise PayError("nobody has any weight: the pool cannot be shared")
    exact_cents = {
        key: (Fraction(cents) * Fraction(weight) / Fraction(total_weight)) if total_weight else Fraction(0)
        for key, weight in by_key.items()
    }
    whole = {key: int(share) for key, share in exact_cents.items()}  # floor: shares are never negative
    left_over = cents - sum(whole.values())
    order = sorted(
        by_key,
        key=lambda key: (-(exact_cents[key] - whole[key]), -by_key[key], key),
    )
    extra = set(order[:left_over])
    return [
        Allocation(
            key=person.key,
            weight=by_key[person.key],
            exact=exact_cents[person.key] / 100,
            amount=(Decimal(whole[person.key] + (person.key in extra)) * CENT),
            extra_cent=person.key in extra,
        )
        for person in people
    ]

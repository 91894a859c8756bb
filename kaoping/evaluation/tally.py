"""Counting a round's ballots into democratic scores. Pure: no Django, no database.

A target's democratic score is the weighted mean of the per-class mean ratings. "Don't know" is left
out of every denominator. A class that gave the target no rating (no ballots, or only "don't know")
is left out and the remaining weights are renormalised; the result names the classes left out.
Means are kept exact and the score is rounded once, half-up to two places, at the end.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
OVERALL = "overall"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ClassTally:
    kind: str
    weight: Decimal
    ballots: int  # ballots of the class in the round
    rated: int  # of them, those that rated the target (not "don't know")
    mean: Decimal | None  # exact, None when nobody of the class rated the target


@dataclass(frozen=True)
class TargetTally:
    score: Decimal | None
    classes: list[ClassTally]
    left_out: list[str]  # classes with a weight that gave no rating: weights renormalised without them
    distribution: dict[str, int]  # grade -> count over all ballots, "unknown" included
    sub_means: dict[str, Decimal | None] = field(default_factory=dict)


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_score(means: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """The weighted mean of the classes that have a mean, weights renormalised; None if none has."""
    counted = {k: w for k, w in weights.items() if w > 0 and means.get(k) is not None}
    total = sum(counted.values(), Decimal(0))
    if not total:
        return None
    return round2(sum((w * means[k] for k, w in counted.items()), Decimal(0)) / total)  # type: ignore[operator]


def tally(
    *,
    targets: Iterable[int],
    weights: Mapping[str, Decimal],
    scale: Mapping[str, Decimal],
    ballots: Iterable[tuple[str, Mapping[str, Mapping[str, str]]]],
    sub_items: Iterable[str] = (),
    sub_scale: Mapping[str, Decimal] | None = None,
) -> dict[int, TargetTally]:
    """Count `ballots` ((rater class, {str(target): {"overall": grade, sub item: grade}})) per target.

    `scale` maps each grade to its value; a grade not in it ("don't know") counts in the
    distribution only. Returns a `TargetTally` for every target.
    """
    targets = list(targets)
    sub_items = list(sub_items)
    sub_scale = sub_scale or {}
    sums = {t: {k: [Decimal(0), 0] for k in weights} for t in targets}
    subs = {t: {s: [Decimal(0), 0] for s in sub_items} for t in targets}
    distribution: dict[int, dict[str, int]] = {t: {} for t in targets}
    class_ballots = dict.fromkeys(weights, 0)
    for kind, ratings in ballots:
        class_ballots[kind] = class_ballots.get(kind, 0) + 1
        for target in targets:
            rating = ratings.get(str(target)) or {}
            grade = rating.get(OVERALL)
            if grade:
                distribution[target][grade] = distribution[target].get(grade, 0) + 1
            if grade in scale and kind in sums[target]:
                sums[target][kind][0] += scale[grade]
                sums[target][kind][1] += 1
            for item in sub_items:
                sub_grade = rating.get(item)
                if sub_grade in sub_scale:
                    subs[target][item][0] += sub_scale[sub_grade]
                    subs[target][item][1] += 1
    results = {}
    for target in targets:
        classes = [
            ClassTally(
                kind=kind,
                weight=weight,
                ballots=class_ballots.get(kind, 0),
                rated=sums[target][kind][1],
                mean=sums[target][kind][0] / sums[target][kind][1] if sums[target][kind][1] else None,
            )
            for kind, weight in weights.items()
        ]
        means = {c.kind: c.mean for c in classes}
        results[target] = TargetTally(
            score=weighted_score(means, weights),
            classes=classes,
            left_out=[c.kind for c in classes if c.weight > 0 and c.mean is None],
            distribution=distribution[target],
            sub_means={s: (total / n if n else None) for s, (total, n) in subs[target].items()},
        )
    return results

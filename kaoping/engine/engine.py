"""The scoring engine: plain data in, results with a full breakdown out. No database here.

A month's result for one population is computed from
- the scheme as in force that month (`SchemeVersion`: indicators with that month's weights and rules),
- the scores entered (`Entry`: one raw value per cadre and indicator),
- bonus and deduction shares (`Adjustment`), with what each cadre already used of the year's caps,
- optionally each cadre's democratic-evaluation score (0-100).

How a total is reached (every step appears as a line of the breakdown):
1. Each indicator's raw value becomes a fraction of full marks by its rule (`fraction`).
2. Performance = scale × Σ(fraction × weight) / Σ weight, over the indicators in force (weight > 0).
   Weights are relative: a weight change in March never touches January, whose version is its own.
3. A failed veto indicator zeroes its category, or caps the grade (no score effect), as configured.
4. Bonus and deduction are summed, each capped per month and by what is left of the year's cap.
5. Assessment score = performance + bonus - deduction, never below 0 and, where a monthly bonus
   cap is set, never above scale + that cap.
6. With a democratic score: total = (1 - share) × assessment + share × democratic. Without one, the
   democratic slot is absent and total = assessment.
Values come in and go out as Decimal. Inside, shares and points are exact fractions, so that the one
rounding of the total (half-up, to 2 places, at the very end) sees the exact value: a Decimal division
such as 15.5 / 30 would be cut at 28 digits, and a total of exactly 31.875 would come out as
31.87499… and round to 31.87 instead of 31.88. The breakdown's Decimals are shown unrounded.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
DEMOCRATIC_MAX = Decimal(100)


class RuleKind(StrEnum):
    MANUAL = "manual"  # a score from 0 up to the maximum
    COMPLETION = "completion"  # value achieved against a target
    PASS_FAIL = "pass_fail"  # 1 passed, 0 failed
    PER_OCCURRENCE = "per_occurrence"  # a count of incidents (or achievements), points each, capped
    RANK = "rank"  # a rank among peers (ladder) or a value against the best peer (proportional)
    VETO = "veto"  # 1 no veto incident, 0 veto (一票否决)


class VetoEffect(StrEnum):
    ZERO_CATEGORY = "zero_category"
    CAP_GRADE = "cap_grade"


def _fmt(value: Decimal) -> str:
    """A number for a breakdown note, without trailing zeros: 3 rather than 3.00, 0.5 rather than 0.50."""
    return format(value.normalize(), "f")  # normalize() drops the trailing zeros, "f" the exponent


class EngineError(ValueError):
    """Input the engine cannot score (a value outside what the rule accepts)."""


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    max_score: Decimal
    target: Decimal | None = None  # COMPLETION
    points_each: Decimal | None = None  # PER_OCCURRENCE
    cap: Decimal | None = None  # PER_OCCURRENCE: the most points the count can move
    adds: bool = False  # PER_OCCURRENCE: True counts up from 0, False deducts from the maximum
    ladder_step: Decimal | None = None  # RANK: points lost per place below first (60, 57, 54 …)
    proportional: bool = False  # RANK: maximum × value / best value among peers
    veto_effect: VetoEffect = VetoEffect.ZERO_CATEGORY  # VETO


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    category_id: int
    weight: Decimal
    rule: Rule
    name: str = ""
    category_name: str = ""


@dataclass(frozen=True)
class SchemeVersion:
    indicators: tuple[IndicatorSpec, ...]
    scale: Decimal = Decimal(100)
    democratic_share: Decimal = Decimal("0.20")
    bonus_cap_month: Decimal | None = None
    bonus_cap_year: Decimal | None = None
    deduction_cap_month: Decimal | None = None
    deduction_cap_year: Decimal | None = None


class Entry(NamedTuple):  # read as a plain triple: a town-month has 15,000 of them
    cadre_id: int
    indicator_id: int
    value: Decimal


@dataclass(frozen=True)
class Adjustment:
    id: int
    cadre_id: int
    is_bonus: bool
    points: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Line:
    """One indicator of one cadre's breakdown."""

    indicator_id: int
    category_id: int
    weight: Decimal
    raw: Decimal | None  # None: not scored
    fraction: Decimal
    points: Decimal  # contribution to performance, on the scheme's scale (unrounded)
    note: str = ""  # what the rule did, e.g. "3 × 2 = 6, capped at 5"
    vetoed: bool = False  # zeroed by a veto in its category


@dataclass(frozen=True)
class AdjustmentLine:
    adjustment_id: int
    is_bonus: bool
    points: Decimal  # as entered
    applied: Decimal  # after caps
    reason: str = ""


@dataclass(frozen=True)
class ProcessPoint:
    """Points from the process evaluation of supervision items (督促落实), positive or negative."""

    id: int
    points: Decimal
    label: str = ""


@dataclass
class Result:
    cadre_id: int
    lines: list[Line] = field(default_factory=list)
    adjustments: list[AdjustmentLine] = field(default_factory=list)
    process: list[ProcessPoint] = field(default_factory=list)
    process_total: Decimal = ZERO
    performance: Decimal = ZERO
    bonus: Decimal = ZERO
    deduction: Decimal = ZERO
    assessment: Decimal = ZERO
    democratic: Decimal | None = None
    total: Decimal = ZERO  # rounded half-up to 2 places
    vetoes: list[int] = field(default_factory=list)  # indicator ids whose veto fired
    grade_capped: bool = False
    notes: list[str] = field(default_factory=list)  # caps and bounds that applied


def fraction(rule: Rule, value: Decimal, best: Decimal | None = None) -> tuple[Decimal, str]:
    """The share of full marks that `value` earns under `rule`, with a note saying how.

    The share is given to the precision of the Decimal context; `compute` uses it exact.
    """
    numerator, denominator, note = _share(rule, value, best)
    return _decimal(numerator, denominator), note


# Shares and points are carried as integer pairs (numerator, denominator > 0), not in lowest terms:
# exact like Fraction, at a fraction of its cost, which matters at 15,000 lines a town-month.
Ratio = tuple[int, int]


def _over(part: Decimal, whole: Decimal) -> Ratio:
    """part / whole, exact, for a `whole` not negative (`_share` refuses a negative maximum); 0 when
    `whole` is 0."""
    if not whole:
        return 0, 1
    part_n, part_d = part.as_integer_ratio()
    whole_n, whole_d = whole.as_integer_ratio()
    return part_n * whole_d, part_d * whole_n


def _at_most_one(part: Decimal, whole: Decimal) -> Ratio:
    """min(part / whole, 1) for a positive `whole`."""
    numerator, denominator = _over(part, whole)
    return (1, 1) if numerator >= denominator else (numerator, denominator)


def _share(rule: Rule, value: Decimal, best: Decimal | None, explain: bool = True) -> tuple[int, int, str]:
    """`fraction`, exact: the share as a numerator and a denominator, and the note (empty unless
    `explain`: a month's totals without lines need no notes, and writing them cost more than the
    share itself)."""
    if not value.is_finite():
        raise EngineError("a value must be a number")
    if value < 0:
        raise EngineError("a value cannot be negative")
    if rule.max_score < 0:
        raise EngineError("a maximum cannot be negative")
    kind = rule.kind
    if kind == RuleKind.MANUAL:
        if value > rule.max_score:
            raise EngineError("a score cannot exceed the indicator's maximum")
        return *_over(value, rule.max_score), ""
    if kind in (RuleKind.PASS_FAIL, RuleKind.VETO):
        if value not in (ZERO, ONE):
            raise EngineError("pass/fail takes 1 or 0")
        return (1 if value else 0), 1, ""
    if kind == RuleKind.COMPLETION:
        if not rule.target:
            raise EngineError("a completion rule needs a target")
        return *_at_most_one(value, rule.target), f"{_fmt(value)} / {_fmt(rule.target)}" if explain else ""
    if kind == RuleKind.PER_OCCURRENCE:
        if value != value.to_integral_value():
            raise EngineError("a number of occurrences is a whole number")
        each = rule.points_each or ZERO
        moved = value * each
        note = f"{_fmt(value)} × {_fmt(each)} = {_fmt(moved)}" if explain else ""
        limit = min(rule.cap, rule.max_score) if rule.cap is not None else rule.max_score
        if moved > limit:
            moved = limit
            note += f", ≤ {_fmt(limit)}" if explain else ""
        points = moved if rule.adds else rule.max_score - moved
        return *_over(points, rule.max_score), note
    if kind == RuleKind.RANK:
        if rule.proportional:
            if not best:
                return 0, 1, "best = 0"
            return *_at_most_one(value, best), f"{_fmt(value)} / {_fmt(best)}" if explain else ""
        if value < 1 or value != value.to_integral_value():
            raise EngineError("a rank is a whole number from 1")
        points = max(ZERO, rule.max_score - (value - 1) * (rule.ladder_step or ZERO))
        return *_over(points, rule.max_score), f"#{_fmt(value)} → {_fmt(points)}" if explain else ""
    raise EngineError(f"unknown rule {kind}")


class _Lines:
    """A month's breakdown lines, each with its points as a numerator and a denominator.

    A value earns the same on an indicator whoever scored it, so each distinct (indicator, value,
    vetoed) is worked out once a month and its line, immutable, is shared by the cadres who have
    it. Keyed by the value's text, so that 4.5 and 4.50 stay apart.
    """

    def __init__(
        self,
        scheme: SchemeVersion,
        in_force: Sequence[IndicatorSpec],
        weight_total: Fraction,
        best: dict[int, Decimal],
    ) -> None:
        self.best = best
        self.in_force = in_force
        self.nothing = _decimal(0, 1)
        # Points are share × (scale × weight / Σ weight): the second factor, once per indicator.
        self.factors: dict[int, Ratio] = {}
        scale = Fraction(scheme.scale)
        for spec in in_force:
            factor = scale * Fraction(spec.weight) / weight_total if weight_total else Fraction(0)
            self.factors[spec.id] = (factor.numerator, factor.denominator)
        self.known: dict[tuple[int, str | None, bool], tuple[Line, int, int]] = {}

    def get(self, spec: IndicatorSpec, raw: Decimal | None, vetoed: bool) -> tuple[Line, int, int]:
        """The line of `raw` on `spec` and its points, exact; raises EngineError for a bad value."""
        key = (spec.id, None if raw is None else str(raw), vetoed)
        found = self.known.get(key)
        if found is None:
            best = self.best.get(spec.id)
            share_n, share_d, note = (0, 1, "") if raw is None else _share(spec.rule, raw, best)
            if vetoed:
                share, points, points_n, points_d = self.nothing, self.nothing, 0, 1
            else:
                factor_n, factor_d = self.factors[spec.id]
                points_n, points_d = share_n * factor_n, share_d * factor_d
                share, points = _decimal(share_n, share_d), _decimal(points_n, points_d)
            line = Line(spec.id, spec.category_id, spec.weight, raw, share, points, note, vetoed)
            found = self.known[key] = (line, points_n, points_d)
        return found

    def tables(
        self, values: dict[int, dict[int, Decimal]]
    ) -> tuple[list[tuple[int, int, dict[Decimal | None, int]]], int]:
        """Every value's points on every indicator as numerators over one common denominator.

        For totals without lines: each distinct value of an indicator is checked and worked out
        once (raising EngineError for a bad one, vetoed or not), and a cadre's performance is then
        a plain sum of integers. Returns [(indicator id, category id, {value: numerator})] and the
        denominator. Keyed by the value, so 4.5 and 4.50 are one.
        """
        exact: list[tuple[IndicatorSpec, dict[Decimal | None, Ratio]]] = []
        common = 1
        for spec in self.in_force:
            factor_n, factor_d = self.factors[spec.id]
            points: dict[Decimal | None, Ratio] = {None: (0, 1)}
            for raw in {mine[spec.id] for mine in values.values() if spec.id in mine}:
                share_n, share_d, _note = _share(spec.rule, raw, self.best.get(spec.id), explain=False)
                points[raw] = (share_n * factor_n, share_d * factor_d)
            for _n, d in points.values():
                common = common // math.gcd(common, d) * d
            exact.append((spec, points))
        tables = [
            (spec.id, spec.category_id, {raw: n * (common // d) for raw, (n, d) in points.items()})
            for spec, points in exact
        ]
        return tables, common


def _decimal(numerator: int, denominator: int) -> Decimal:
    """An exact value as a Decimal, exact when it terminates within the context's precision.

    A correctly rounded division depends on the value only, so a pair not in lowest terms gives
    the same Decimal as the reduced one.
    """
    return Decimal(numerator) / Decimal(denominator)


def _round_half_up(q: Ratio) -> Decimal:
    """`q` (numerator, denominator > 0) rounded to 2 places, a half cent away from zero, from the
    exact value: floor(|q| × 100 + ½) cents = (200 |n| + d) // 2d."""
    numerator, denominator = q
    cents = (200 * abs(numerator) + denominator) // (2 * denominator)
    return (Decimal(cents) if numerator >= 0 else -Decimal(cents)) * CENT


def _add(q: Ratio, value: Decimal, sign: int = 1) -> Ratio:
    """q + sign × value, exact."""
    if not value:
        return q
    numerator, denominator = value.as_integer_ratio()
    return q[0] * denominator + sign * numerator * q[1], q[1] * denominator


def _above(q: Ratio, value: Decimal) -> bool:
    """q > value, exact."""
    numerator, denominator = value.as_integer_ratio()
    return q[0] * denominator > numerator * q[1]


def _capped(total: Decimal, month_cap: Decimal | None, year_left: Decimal | None) -> Decimal:
    limits = [c for c in (month_cap, year_left) if c is not None]
    return min([total, *(max(ZERO, c) for c in limits)])


def compute(
    scheme: SchemeVersion,
    cadre_ids: Iterable[int],
    entries: Iterable[Entry],
    adjustments: Iterable[Adjustment] = (),
    *,
    democratic: dict[int, Decimal] | None = None,
    bonus_used_this_year: dict[int, Decimal] | None = None,
    deduction_used_this_year: dict[int, Decimal] | None = None,
    process: dict[int, list[ProcessPoint]] | None = None,
    best: dict[int, Decimal] | None = None,
    explain: bool = True,
) -> dict[int, Result]:
    """Compute every cadre's result for one month of one population's scheme.

    The outcome depends only on the inputs, never on their order. Raises EngineError for a
    value a rule cannot accept, so that bad data never yields a quiet number: a negative weight, an
    indicator twice in the scheme, two entries for one cadre and indicator, a democratic score
    outside 0-100.

    `bonus_used_this_year` and `deduction_used_this_year` are what the earlier months of the year
    applied, without the month computed here (or a recomputation would count it twice).
    `process` holds each cadre's points for how their supervision items were handled; they are
    added to the assessment score as they are (no cap), before the floor and ceiling.
    `best` holds the best value among peers of each proportional rank indicator (`peer_best`); by
    default it is worked out from `entries`, which must then hold the whole population's.
    With `explain=False` the results carry no lines, only what they add up to: a whole month is
    computed that way, and a cadre's lines are worked out again when someone reads them.
    """
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)  # cadre → indicator → raw value
    for cadre_id, indicator_id, value in entries:
        mine = values[cadre_id]
        if indicator_id in mine:
            raise EngineError("a cadre has two entries for the same indicator")
        mine[indicator_id] = value
    if len({i.id for i in scheme.indicators}) != len(scheme.indicators):
        raise EngineError("an indicator appears twice in the scheme")
    if any(i.weight < 0 for i in scheme.indicators):
        raise EngineError("a weight cannot be negative")
    cadres = sorted(set(cadre_ids))
    in_force = sorted(
        (i for i in scheme.indicators if i.weight > 0 or i.rule.kind == RuleKind.VETO), key=lambda s: s.id
    )
    vetoes = [i for i in in_force if i.rule.kind == RuleKind.VETO]
    weight_total = sum((Fraction(i.weight) for i in in_force), Fraction(0))
    if best is None:
        best = _best(in_force, cadres, values)
    by_cadre: dict[int, list[Adjustment]] = defaultdict(list)
    for adjustment in adjustments:
        by_cadre[adjustment.cadre_id].append(adjustment)
    democratic = democratic or {}
    process = process or {}
    bonus_used, deduction_used = bonus_used_this_year or {}, deduction_used_this_year or {}
    upper = scheme.scale + scheme.bonus_cap_month if scheme.bonus_cap_month is not None else None
    share_n, share_d = scheme.democratic_share.as_integer_ratio()
    lines = _Lines(scheme, in_force, weight_total, best)
    if not explain:
        tables, denominator = lines.tables({c: values.get(c, {}) for c in cadres})
    results = {}
    for cadre_id in cadres:
        result = Result(cadre_id=cadre_id)
        mine = values.get(cadre_id, {})
        zeroed_categories: set[int] = set()
        for spec in vetoes:
            if mine.get(spec.id) == ZERO:
                result.vetoes.append(spec.id)
                if spec.rule.veto_effect == VetoEffect.ZERO_CATEGORY:
                    zeroed_categories.add(spec.category_id)
                else:
                    result.grade_capped = True
        if explain:
            # Performance = Σ points, summed exactly over the least common denominator seen so far.
            total_n, total_d = 0, 1
            for spec in in_force:
                vetoed = spec.category_id in zeroed_categories
                line, points_n, points_d = lines.get(spec, mine.get(spec.id), vetoed)
                result.lines.append(line)
                if points_d == total_d:
                    total_n += points_n
                elif points_n:
                    common = math.gcd(total_d, points_d)
                    total_n = total_n * (points_d // common) + points_n * (total_d // common)
                    total_d = total_d // common * points_d
        else:
            total_d = denominator
            total_n = sum(
                table[mine.get(indicator_id)]
                for indicator_id, category_id, table in tables
                if category_id not in zeroed_categories
            )
        result.performance = _decimal(total_n, total_d)
        mine_adjusted = by_cadre.get(cadre_id)
        if mine_adjusted:  # most cadres have none: bonus and deduction stay 0
            _apply_adjustments(
                scheme,
                result,
                mine_adjusted,
                bonus_used.get(cadre_id, ZERO),
                deduction_used.get(cadre_id, ZERO),
            )
        points = process.get(cadre_id)
        if points:
            result.process = sorted(points, key=lambda p: (p.id, p.points, p.label))
            if any(not p.points.is_finite() for p in result.process):
                raise EngineError("process points must be numbers")
            result.process_total = sum((p.points for p in result.process), ZERO)
        # The chain in exact integer ratios (as the lines are), rounded once at the end.
        assessment = _add(_add((total_n, total_d), result.process_total), result.bonus)
        assessment = _add(assessment, result.deduction, -1)
        if assessment[0] < 0:
            result.notes.append("floor")
            assessment = (0, 1)
        elif upper is not None and _above(assessment, upper):
            result.notes.append("ceiling")
            assessment = upper.as_integer_ratio()
        result.assessment = _decimal(*assessment)
        total = assessment
        if cadre_id in democratic:
            score = democratic[cadre_id]
            if not (score.is_finite() and ZERO <= score <= DEMOCRATIC_MAX):
                raise EngineError("a democratic score is between 0 and 100")
            result.democratic = score
            # (1 − s) × assessment + s × score, for s = share_n / share_d and score = score_n / score_d
            score_n, score_d = score.as_integer_ratio()
            total = (
                (share_d - share_n) * assessment[0] * score_d + share_n * score_n * assessment[1],
                share_d * assessment[1] * score_d,
            )
        result.total = _round_half_up(total)
        results[cadre_id] = result
    return results


def _best(
    in_force: Iterable[IndicatorSpec], cadres: Iterable[int], values: dict[int, dict[int, Decimal]]
) -> dict[int, Decimal]:
    cadres = list(cadres)
    return {
        i.id: max((values.get(c, {}).get(i.id, ZERO) for c in cadres), default=ZERO)
        for i in in_force
        if i.rule.kind == RuleKind.RANK and i.rule.proportional
    }


def peer_best(
    scheme: SchemeVersion, cadre_ids: Iterable[int], entries: Iterable[Entry]
) -> dict[int, Decimal]:
    """The best value among the cadres of each proportional rank indicator, as `compute` uses it:
    the month's peer benchmark, kept with the results so that one cadre's lines can be explained
    again later from their own values."""
    # Only the proportional indicators' values are kept: a month's other 15,000-odd entries are
    # passed over, not copied into a table nobody reads.
    proportional = {i.id for i in scheme.indicators if i.rule.kind == RuleKind.RANK and i.rule.proportional}
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if proportional:
        for cadre_id, indicator_id, value in entries:
            if indicator_id in proportional:
                values[cadre_id][indicator_id] = value
    return _best(scheme.indicators, cadre_ids, values)


def _apply_adjustments(
    scheme: SchemeVersion,
    result: Result,
    adjustments: list[Adjustment],
    bonus_used: Decimal,
    deduction_used: Decimal,
) -> None:
    """Apply bonus and deduction shares in a fixed order, each kind within its caps."""
    for is_bonus in (True, False):
        month_cap = scheme.bonus_cap_month if is_bonus else scheme.deduction_cap_month
        year_cap = scheme.bonus_cap_year if is_bonus else scheme.deduction_cap_year
        year_left = year_cap - (bonus_used if is_bonus else deduction_used) if year_cap is not None else None
        room = _capped(Decimal("Infinity"), month_cap, year_left)
        applied_total = ZERO
        ours = sorted(
            (a for a in adjustments if a.is_bonus == is_bonus), key=lambda a: (a.id, a.points, a.reason)
        )
        for adjustment in ours:
            if adjustment.points < 0:
                raise EngineError("adjustment points are entered as positive numbers")
            applied = min(adjustment.points, max(ZERO, room - applied_total))
            applied_total += applied
            result.adjustments.append(
                AdjustmentLine(adjustment.id, is_bonus, adjustment.points, applied, adjustment.reason)
            )
        entered = sum((a.points for a in adjustments if a.is_bonus == is_bonus), ZERO)
        if applied_total < entered:
            result.notes.append("bonus cap" if is_bonus else "deduction cap")
        if is_bonus:
            result.bonus = applied_total
        else:
            result.deduction = applied_total

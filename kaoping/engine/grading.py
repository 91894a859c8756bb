"""Annual grades of one pool (年度考核等次): the proposal the assessment office starts from (pure).

A pool (one population, one agency category, or the village heads; never mixed) is graded on four
levels, best first: 0 优秀 excellent, 1 称职/合格, 2 基本称职/基本合格, 3 不称职/不合格. Which words
name a level is the person's scale (`SCALES`): civil servants 优秀/称职/基本称职/不称职 (公务员法 Art. 38),
public-institution staff 优秀/合格/基本合格/不合格 (事业单位人事管理条例 Art. 21). The law names no scale
for the others (non-established staff, community instructors outside the establishment, village cadres):
they are graded on the public-institution words, the plainer of the two, and a leadership member on the
scale of their personnel type. The levels, the quota and the thresholds are the same for every scale,
so one pool may hold both kinds of staff.

The rules, in the order they apply:

1. A member with an undetermined case (不确定等次: probation year, open investigation, disciplinary
   period, long sick leave, other) gets no grade and is **not counted in the pool**: the quota is a
   share of those who are graded (参加考核并评定等次的人数), so that a pool with cases cannot hand out
   more 优秀 places than the graded members would allow. A member with no annual score (no published
   month) gets no grade either and is not counted; the office sees them listed apart.
2. A veto (一票否决) locks the member's grade at the level it names (never 优秀), whatever the score.
   A vetoed member is counted in the pool and ranked (the page shows where the score would have put
   them), but takes no 优秀 place.
3. 优秀: the quota is floor(share × pool), share 20% by default and at most 25%, above 20% only with a
   recorded approval. The graded members are ranked by `ranking.rank` (competition ranking after the
   scheme's tie-break chain); the first members in that order who are not vetoed and reach the
   optional minimum score take the places. Where the last place falls inside a group that is equal on
   the total and on every tie-break (a tie no criterion breaks), **nobody of that group** gets 优秀:
   the count never exceeds the quota, and no one is chosen over an equal by the order of a list. The
   proposal says so (`TIE_AT_BOUNDARY`), and where the chain did separate the boundary, which
   criterion decided and the two values (`Proposal.decided_by`).
4. The others by the score thresholds: level 1 from `thresholds[0]`, level 2 from `thresholds[1]`,
   below that level 3 (a tie never matters here: a threshold has no quota).

Scores are compared as shown, rounded half-up to 2 places (`ranking.shown`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from . import ranking

EXCELLENT = 0
LEVELS = (0, 1, 2, 3)
LOWEST = 3

CIVIL_SERVANT = "civil_servant"
PUBLIC_INSTITUTION = "public_institution"
OTHER = "other"
# The grade codes of each scale, by level. Those without a statutory scale use the institution's.
SCALES: dict[str, tuple[str, str, str, str]] = {
    CIVIL_SERVANT: ("excellent", "competent", "basically_competent", "incompetent"),
    PUBLIC_INSTITUTION: ("excellent", "qualified", "basically_qualified", "unqualified"),
    OTHER: ("excellent", "qualified", "basically_qualified", "unqualified"),
}

DEFAULT_SHARE = Decimal("0.20")
MAX_SHARE = Decimal("0.25")

# Why a member got the proposed grade (`Proposal.reason`).
QUOTA = "quota"  # within the 优秀 places, by rank
OUTSIDE_QUOTA = "outside_quota"  # ranked after the places were taken; graded by threshold
TIE_AT_BOUNDARY = "tie_at_boundary"  # tied with others across the last place; graded by threshold
BELOW_MINIMUM = "below_minimum"  # would have had a place but is under the 优秀 minimum score
THRESHOLD = "threshold"  # no 优秀 place left at all (or quota 0); graded by threshold
VETO = "veto"
UNDETERMINED = "undetermined"
NO_SCORE = "no_score"


class GradingError(ValueError):
    """Grades that cannot be proposed: a share out of range or not approved, bad thresholds, a member
    in two pools, a veto locking 优秀."""


def grade_code(scale: str, level: int) -> str:
    """The stored code of a level on a scale: grade_code("civil_servant", 1) == "competent"."""
    return SCALES[scale][level]


def level_of(code: str) -> int:
    """The level of a grade code of any scale."""
    for names in SCALES.values():
        if code in names:
            return names.index(code)
    raise GradingError(f"unknown grade {code}")


def quota(share: Decimal, pool_size: int) -> int:
    """How many 优秀 a pool of `pool_size` graded members may have: floor(share × pool), exactly."""
    if pool_size < 0:
        raise GradingError("a pool has no negative size")
    return math.floor(share * pool_size)


@dataclass(frozen=True)
class Rules:
    """A year's grading rules for a pool."""

    share: Decimal = DEFAULT_SHARE
    share_approved: bool = False  # a share above 20% needs a recorded approval
    thresholds: tuple[Decimal, Decimal] = (Decimal(70), Decimal(60))  # from: level 1, level 2
    excellent_minimum: Decimal | None = None  # 优秀 also needs at least this score, if set
    tie_breaks: Sequence[str] = ()

    def check(self) -> None:
        """Raise GradingError for rules that cannot be applied."""
        if self.share < 0 or self.share > MAX_SHARE:
            raise GradingError(f"the 优秀 share is between 0 and {MAX_SHARE}")
        if self.share > DEFAULT_SHARE and not self.share_approved:
            raise GradingError(f"a 优秀 share above {DEFAULT_SHARE} needs an approval")
        if self.thresholds[0] < self.thresholds[1]:
            raise GradingError("the threshold of level 1 is not below the one of level 2")


@dataclass(frozen=True)
class Member:
    """One cadre of a pool: their annual standing (None: no annual score), and their case, if any."""

    key: int
    standing: ranking.Standing | None
    veto_level: int | None = None  # the level a veto locks the grade at
    undetermined: str = ""  # the reason code of an undetermined case

    def __post_init__(self) -> None:
        if self.standing is not None and self.standing.key != self.key:
            raise GradingError("a member's standing is of another cadre")


@dataclass(frozen=True)
class Proposal:
    """The proposed level of one member (None: no grade) and why, as data for the page."""

    key: int
    level: int | None
    reason: str
    rank: int | None = None
    score: Decimal | None = None
    threshold: Decimal | None = None  # the threshold the grade was read from
    decided_by: ranking.Decision | None = None  # what separated an equal total above


@dataclass(frozen=True)
class Outcome:
    """A pool's proposal: one line per member, in rank order (ungraded members last, by key)."""

    proposals: list[Proposal]
    pool_size: int  # members counted (graded: neither undetermined nor without a score)
    quota: int
    excellent: int  # 优秀 proposed (never more than the quota)
    boundary_tie: list[int] = field(default_factory=list)  # keys tied across the last place
    boundary_decided_by: ranking.Decision | None = None  # the criterion that separated the last place

    def by_key(self) -> dict[int, Proposal]:
        return {p.key: p for p in self.proposals}


def _by_threshold(score: Decimal, rules: Rules) -> tuple[int, Decimal | None]:
    shown = ranking.shown(score)
    if shown >= rules.thresholds[0]:
        return 1, rules.thresholds[0]
    if shown >= rules.thresholds[1]:
        return 2, rules.thresholds[1]
    return LOWEST, rules.thresholds[1]


def propose(members: Sequence[Member], rules: Rules) -> Outcome:
    """The proposal for one pool (see the module's docstring for the rules)."""
    rules.check()
    if len({m.key for m in members}) != len(members):
        raise GradingError("a cadre is twice in the pool")
    for m in members:
        if m.veto_level is not None and m.veto_level not in LEVELS[1:]:
            raise GradingError("a veto locks a grade below 优秀")

    ungraded = [m for m in members if m.undetermined or m.standing is None]
    graded = {m.key: m for m in members if m not in ungraded}
    places = quota(rules.share, len(graded))
    placed = ranking.rank([m.standing for m in graded.values() if m.standing is not None], rules.tie_breaks)

    # The candidates for 优秀, in rank order: neither vetoed nor under the minimum score.
    def eligible(key: int) -> bool:
        m = graded[key]
        if m.veto_level is not None or m.standing is None:
            return False
        minimum = rules.excellent_minimum
        return minimum is None or ranking.shown(m.standing.total) >= minimum

    candidates = [p for p in placed if eligible(p.key)]
    chosen = candidates[:places]
    tie: list[int] = []
    boundary_decided_by = None
    if 0 < places < len(candidates):
        last, first_out = candidates[places - 1], candidates[places]
        if last.rank == first_out.rank:  # equal on everything across the last place: nobody of them
            tie = [p.key for p in candidates if p.rank == last.rank]
            chosen = [p for p in chosen if p.rank != last.rank]
        elif first_out.decided_by is not None and first_out.decided_by.above_key == last.key:
            boundary_decided_by = first_out.decided_by
    excellent = {p.key for p in chosen}

    proposals: list[Proposal] = []
    for p in placed:
        standing = graded[p.key].standing
        assert standing is not None  # ranked members have one
        score = ranking.shown(standing.total)
        if graded[p.key].veto_level is not None:
            proposals.append(
                Proposal(p.key, graded[p.key].veto_level, VETO, p.rank, score, None, p.decided_by)
            )
            continue
        if p.key in excellent:
            proposals.append(Proposal(p.key, EXCELLENT, QUOTA, p.rank, score, None, p.decided_by))
            continue
        level, threshold = _by_threshold(standing.total, rules)
        if p.key in tie:
            reason = TIE_AT_BOUNDARY
        elif not eligible(p.key):
            reason = BELOW_MINIMUM
        elif places == 0:
            reason = THRESHOLD
        else:
            reason = OUTSIDE_QUOTA
        proposals.append(Proposal(p.key, level, reason, p.rank, score, threshold, p.decided_by))
    for m in sorted(ungraded, key=lambda m: m.key):
        reason = UNDETERMINED if m.undetermined else NO_SCORE
        shown = None if m.standing is None else ranking.shown(m.standing.total)
        proposals.append(Proposal(key=m.key, level=None, reason=reason, score=shown))
    return Outcome(proposals, len(graded), places, len(excellent), tie, boundary_decided_by)


def propose_pools(pools: Mapping[str, Sequence[Member]], rules: Mapping[str, Rules]) -> dict[str, Outcome]:
    """Every pool's proposal, each on its own: a pool's quota and ranks never see another pool's
    members. Raises GradingError when a cadre is in two pools (pools are never mixed)."""
    seen: dict[int, str] = {}
    for name, members in pools.items():
        for m in members:
            if m.key in seen:
                raise GradingError(f"cadre {m.key} is in pools {seen[m.key]} and {name}")
            seen[m.key] = name
    return {name: propose(members, rules[name]) for name, members in pools.items()}


def can_change_to(outcome_levels: Mapping[int, int | None], key: int, level: int, places: int) -> bool:
    """Whether the member `key` may be given `level` by hand without the pool's 优秀 count exceeding
    its quota (`outcome_levels`: every member's current level)."""
    if level not in LEVELS:
        return False
    others = sum(1 for k, v in outcome_levels.items() if k != key and v == EXCELLENT)
    return level != EXCELLENT or others + 1 <= places


def consecutive_excellent(levels_by_year: Mapping[int, int | None], year: int, run: int = 3) -> list[int]:
    """The years of `run` consecutive 优秀 ending with `year` (三等功 eligibility), or [] if not."""
    years = list(range(year - run + 1, year + 1))
    return years if all(levels_by_year.get(y) == EXCELLENT for y in years) else []

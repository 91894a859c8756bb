"""The lagging list (后进名单) of a quarter: who ranked in the bottom K of every month a rule looks at
(pure: no database).

The article's three rules: a leadership member ranked last (K = 1) in each of 2 consecutive months, an
agency cadre in the bottom 5, a village head in the bottom 3. A `Rule` says K, how many consecutive
months it looks at (the `months` most recent published months up to the quarter's last published one;
1 is "in the quarter's last published month"), and what a month without a result (leave, new in post)
means for a cadre:

- `Missing.NOT_BOTTOM`: the month counts as not in the bottom, so the cadre is not listed; they are
  named apart with the month and the reason.
- `Missing.SKIP`: the month is left out for that cadre; they are listed when they were in the bottom
  K of every other month looked at (at least one), and the skipped month is shown with the reason.

Each month is ranked by `ranking.rank` (the one competition ranking, 1, 1, 3, with the scheme's
tie-break chain), or given as its published ranks. A cadre is in the bottom K of a month when the
last position of their rank reaches the bottom K positions: cadres tied on everything across the
boundary are all in (the month then lists more than K, and says so), while a tie the chain separated
at the boundary keeps the `Decision` that put the cadre below, for the page to show.

Months that are not consecutive (a month not published in between) do not make a run: the rule
then lists nobody and `Outcome.short` says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from . import ranking


class Missing(StrEnum):
    """What a month without a result (the cadre not scored: leave, new in post) counts as."""

    NOT_BOTTOM = "not_bottom"
    SKIP = "skip"


@dataclass(frozen=True)
class Rule:
    """Bottom `bottom` (K) in each of the `months` (N) most recent consecutive published months."""

    bottom: int
    months: int = 1
    missing: Missing = Missing.NOT_BOTTOM

    def __post_init__(self) -> None:
        if self.bottom < 1 or self.months < 1:
            raise ValueError("a rule looks at the bottom 1 or more in 1 or more months")


@dataclass(frozen=True)
class MonthRanking:
    """One published month of a pool: the ranking, each cadre's total, and who had no result and why."""

    month: date
    placed: tuple[ranking.Placed, ...]
    totals: Mapping[int, Decimal]
    absent: Mapping[int, str] = field(default_factory=dict)  # cadre -> why no result (e.g. "产假")


@dataclass(frozen=True)
class Line:
    """One month of one cadre, as the list shows it."""

    month: date
    rank: int | None  # None: no result this month
    of: int  # cadres ranked that month
    total: Decimal | None
    bottom: bool
    tied_in: bool = False  # in the bottom only because tied on everything across the boundary
    decided_by: ranking.Decision | None = None  # what put the cadre below an equal total
    absent: str = ""  # why no result


@dataclass(frozen=True)
class Entry:
    key: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Overflow:
    """A month whose bottom K holds more than K cadres because of a tie on everything at the boundary."""

    month: date
    count: int


@dataclass(frozen=True)
class Outcome:
    months: tuple[date, ...]  # the months the rule looked at, oldest first
    listed: tuple[Entry, ...]  # in the bottom K of every month looked at (by the rule on missing months)
    apart: tuple[Entry, ...]  # bottom in every month they had a result, but missing a month: not listed
    overflow: tuple[Overflow, ...]
    short: bool  # fewer consecutive published months than the rule needs: nobody is listed


def rank_month(
    month: date,
    standings: Sequence[ranking.Standing],
    tie_breaks: Sequence[str] = (),
    absent: Mapping[int, str] | None = None,
) -> MonthRanking:
    """A month ranked by the one ranking function, ready for `lagging_list`."""
    placed = tuple(ranking.rank(standings, tie_breaks))
    return MonthRanking(month, placed, {s.key: ranking.shown(s.total) for s in standings}, absent or {})


def window(published: Sequence[date], last: date, months: int) -> tuple[tuple[date, ...], bool]:
    """The `months` consecutive months ending with `last` that are all published, and whether the run is
    short (fewer published consecutive months than the rule needs)."""
    have = set(published)
    run: list[date] = []
    month = last
    while len(run) < months and month in have:
        run.insert(0, month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return tuple(run), len(run) < months


def bottom_lines(rankings: MonthRanking, bottom: int) -> dict[int, Line]:
    """Every ranked cadre's line of the month, marking who is in the bottom `bottom`."""
    count = len(rankings.placed)
    boundary = count - bottom + 1  # the first position in the bottom K
    size = Counter(p.rank for p in rankings.placed)
    lines = {}
    for placed in rankings.placed:
        last_position = placed.rank + size[placed.rank] - 1
        in_bottom = last_position >= boundary
        lines[placed.key] = Line(
            month=rankings.month,
            rank=placed.rank,
            of=count,
            total=rankings.totals.get(placed.key),
            bottom=in_bottom,
            tied_in=in_bottom and placed.rank < boundary,
            decided_by=placed.decided_by if in_bottom else None,
        )
    return lines


def lagging_list(rule: Rule, rankings: Sequence[MonthRanking]) -> Outcome:
    """The cadres a rule lists from the months given (oldest first): see the module's docstring.

    `rankings` are the rule's months (see `window`); if fewer than `rule.months` are given, the outcome
    is short and lists nobody.
    """
    months = tuple(r.month for r in rankings)
    if len(rankings) < rule.months:
        return Outcome(months, (), (), (), True)
    by_month = [bottom_lines(r, rule.bottom) for r in rankings]
    overflow = tuple(
        Overflow(r.month, n)
        for r, lines in zip(rankings, by_month, strict=True)
        if (n := sum(line.bottom for line in lines.values())) > rule.bottom
    )
    keys = sorted({k for lines in by_month for k in lines} | {k for r in rankings for k in r.absent})
    listed, apart = [], []
    for key in keys:
        lines = []
        for r, month_lines in zip(rankings, by_month, strict=True):
            if key in month_lines:
                lines.append(month_lines[key])
            else:
                reason = r.absent.get(key, "")
                lines.append(Line(r.month, None, len(r.placed), None, False, absent=reason or "—"))
        ranked = [line for line in lines if line.rank is not None]
        if not ranked or not all(line.bottom for line in ranked):
            continue
        entry = Entry(key, tuple(lines))
        if len(ranked) == len(lines) or rule.missing == Missing.SKIP:
            listed.append(entry)
        else:
            apart.append(entry)
    return Outcome(months, tuple(listed), tuple(apart), overflow, False)

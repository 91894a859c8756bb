"""Ranking highlights for a bulletin: the top and the bottom of each ranking of a published month.

Read from the stored monthly results (`kaoping.reports.rankings.ranking`), published months only:
a bulletin goes to the whole town, so it never quotes a result the cadres cannot see yet. Leadership
members are ranked among themselves, agency cadres in their three categories (each ranked
separately, as the scheme scores them), village cadres as a whole and the village heads apart.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from kaoping.people.models import Population
from kaoping.reports import rankings
from kaoping.scoring.models import Period, PeriodStatus

DEFAULT_COUNT = 3
NUMERALS = "一二三四五六七八九十"


@dataclass
class Placed:
    name: str
    unit: str  # the department or village, blank for leadership members
    score: Decimal
    rank: int


@dataclass
class Pool:
    label: str  # blank for the whole population
    size: int
    top: list[Placed]
    bottom: list[Placed]


@dataclass
class PopulationHighlights:
    population: str
    label: str
    pools: list[Pool] = field(default_factory=list)


def _pools(population: str) -> list[tuple[str, str]]:
    """(pool, label) pairs to quote for a population; the blank pool is the whole population."""
    if population == Population.AGENCY:
        return rankings.pools_of(population)
    return [("", ""), *rankings.pools_of(population)]


def _placed(row: rankings.Row) -> Placed:
    cadre = row.cadre
    unit = cadre.department or cadre.village
    return Placed(name=cadre.name, unit=unit.name if unit else "", score=row.score, rank=row.rank)


def ranking_highlights(period: Period, count: int = DEFAULT_COUNT) -> list[PopulationHighlights]:
    """The first and last `count` of every ranking of a published month (nothing for another month).

    When a ranking has no more than `count` cadres it is quoted whole as its top; when it has fewer
    than twice `count`, the bottom holds only those not already in the top.
    """
    if period.status != PeriodStatus.PUBLISHED or count < 1:
        return []
    found = []
    for population, label in Population.choices:
        entry = PopulationHighlights(population=population, label=str(label))
        for pool, pool_label in _pools(population):
            rows = rankings.ranking(period=period, population=population, pool=pool, published_only=True)
            if not rows:
                continue
            entry.pools.append(
                Pool(
                    label=str(pool_label),
                    size=len(rows),
                    top=[_placed(r) for r in rows[:count]],
                    bottom=[_placed(r) for r in rows[max(count, len(rows) - count) :]],
                )
            )
        if entry.pools:
            found.append(entry)
    return found


def _names(placed: list[Placed]) -> str:
    return "、".join(
        (_("%(name)s (%(unit)s, %(score)s points)") if p.unit else _("%(name)s (%(score)s points)"))
        % {"name": p.name, "unit": p.unit, "score": f"{p.score:.2f}"}
        for p in placed
    )


def _pool_sentence(pool: Pool) -> str:
    if not pool.bottom:
        return _("Top %(n)d of %(size)d: %(top)s.") % {
            "n": len(pool.top),
            "size": pool.size,
            "top": _names(pool.top),
        }
    return _("Top %(n)d of %(size)d: %(top)s. Bottom %(m)d: %(bottom)s.") % {
        "n": len(pool.top),
        "size": pool.size,
        "top": _names(pool.top),
        "m": len(pool.bottom),
        "bottom": _names(pool.bottom),
    }


def highlights_paragraphs(highlights: list[PopulationHighlights]) -> list[str]:
    """The highlights as a bulletin's paragraphs, under （一）（二）… headings, one per population.

    Pools that split a population (the agency categories) are numbered 1. 2. …; a pool drawn from
    within a population quoted whole (the village heads among village cadres) follows it as "of them"."""
    paragraphs: list[str] = []
    for numeral, entry in zip(NUMERALS, highlights, strict=False):
        paragraphs.append(f"（{numeral}）{entry.label}")
        whole = any(not pool.label for pool in entry.pools)
        number = 0
        for pool in entry.pools:
            sentence = _pool_sentence(pool)
            if pool.label and whole:
                sentence = _("Of them, %(pool)s: %(text)s") % {"pool": pool.label, "text": sentence}
            elif pool.label:
                number += 1
                sentence = _("%(number)d. %(pool)s: %(text)s") % {
                    "number": number,
                    "pool": pool.label,
                    "text": sentence,
                }
            paragraphs.append(sentence)
    return paragraphs

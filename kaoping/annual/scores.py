"""The annual score of each cadre and the pools they are graded in, from the year's published months.

Only published months count: what was published is frozen, so the annual score moves only when a
further month is published or a correction (更正) of a published month is. The annual score is, by
the default formula, the mean of the cadre's published monthly totals (`ranking.span_standing`: each
tie-break's value is its mean over the same months, every mean rounded half-up to 2 places from its
exact value), the one rule the quarter and year-to-date rankings use too.

A cadre's pool for the year is the pool of their last published month of the year (a transfer moves
them; their earlier months still count in their mean). Pools are never mixed: one population, one
agency category, or the village heads, as the monthly results group them.
"""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.engine import grading, ranking
from kaoping.indicators.models import Scheme
from kaoping.people.models import AgencyCategory, Population, Town, grade_scale
from kaoping.results import selectors as results
from kaoping.results.models import MonthlyResult
from kaoping.results.results import VILLAGE_HEADS
from kaoping.scoring.models import PeriodStatus

from .models import AnnualCase, CaseKind, Formula, YearSettings

# The pools, in the order the pages list them: (key, label).
POOLS: list[tuple[str, object]] = [
    (Population.LEADERSHIP.value, gettext_lazy("Leadership members")),
    *[(f"{Population.AGENCY}:{c}", label) for c, label in AgencyCategory.choices],
    (f"{Population.VILLAGE}:{VILLAGE_HEADS}", gettext_lazy("Village heads")),
    (Population.VILLAGE.value, gettext_lazy("Village cadres (other than heads)")),
]
POOL_KEYS = [key for key, _label in POOLS]
AGENCY_POOLS = [key for key in POOL_KEYS if key.startswith(f"{Population.AGENCY}:")]
HEADS_POOL = f"{Population.VILLAGE}:{VILLAGE_HEADS}"


def pool_key(population: str, group: str) -> str:
    """The pool of a monthly result: its population, with its group (category, village heads)."""
    return f"{population}:{group}" if group else population


def pool_label(key: str) -> str:
    return str(dict(POOLS).get(key, key))


def population_of(key: str) -> str:
    return key.partition(":")[0]


def pool_scale(pool: str, personnel_type: str) -> str:
    """The scale of a cadre's grade of a year graded in `pool` (the pool of their last published month
    of that year): their personnel type when stated, else the pool's population and category, never
    the cadre's current ones (a transfer after the year does not change the words of its grade)."""
    population, _sep, group = pool.partition(":")
    return grade_scale(personnel_type, population, group if population == Population.AGENCY else "")


def default_settings(town: Town, year: int) -> YearSettings:
    """The field's defaults (unsaved): mean of the published months, 20% 优秀, 70 and 60."""
    return YearSettings(town=town, year=year)


def year_settings(town: Town, year: int) -> tuple[YearSettings, bool]:
    """The town's settings for the year, or the defaults; and whether they are the defaults."""
    saved = YearSettings.objects.filter(town=town, year=year).first()
    return (saved, False) if saved else (default_settings(town, year), True)


def graded_pools(settings: YearSettings) -> list[str]:
    return [key for key in POOL_KEYS if not settings.pools or key in settings.pools]


def formula_text(settings: YearSettings) -> str:
    """The annual score's formula in words, as the pages show it."""
    if settings.formula == Formula.MEAN_OF_MONTHS:
        return _(
            "Annual score = the mean of the cadre's monthly totals over the year's published months "
            "(each total already holds the month's bonuses, deductions and the quarter's democratic "
            "evaluation), rounded half-up to 2 places. Months not yet published, and months without a "
            "result for the cadre, do not count."
        )
    return str(Formula(settings.formula).label)


def rules_text(settings: YearSettings) -> str:
    """The grading rules in force, in one paragraph."""
    share = settings.share_in_force * 100
    text = _(
        "优秀: at most %(share)s%% of each pool, rounded down, by rank after the scheme's tie-breaks; "
        "a tie nothing breaks at the last place gives nobody of the tie 优秀. 称职/合格 from %(one)s, "
        "基本称职/基本合格 from %(two)s, below that 不称职/不合格. A veto locks the grade; an undetermined "
        "case gets no grade and is not counted in the pool."
    ) % {"share": f"{share:.0f}", "one": settings.level1_from, "two": settings.level2_from}
    if settings.excellent_minimum is not None:
        text += " " + _("优秀 also needs an annual score of at least %(min)s.") % {
            "min": settings.excellent_minimum
        }
    if settings.share_needs_approval and not settings.share_approved:
        text += " " + _(
            "The share of %(asked)s%% waits for the main leader's approval: 20%% is in force until then."
        ) % {"asked": f"{settings.excellent_share * 100:.0f}"}
    return text


@dataclass(frozen=True)
class Parts:
    """What a month's total holds besides the columns a ranking reads, for the annual breakdown:
    the points for how supervision items were handled (督促落实, added to the assessment score with
    performance, bonus and deduction), the assessment score they make, and the democratic
    evaluation's share of the total (total = assessment × (1 − share) + democratic × share)."""

    supervision: Decimal
    assessment: Decimal
    democratic_share: Decimal


def _mean(values: list[Decimal]) -> Decimal:
    """The mean of values that may be negative (supervision points may take points off), rounded
    half-up to 2 places from its exact value as `ranking.span_mean` rounds the scores."""
    exact = Fraction(sum(values, Decimal(0))) / len(values)
    return Decimal(math.floor(exact * 100 + Fraction(1, 2))).scaleb(-2)


@dataclass
class CadreYear:
    """One cadre's year: the published months counted and their standing (the means)."""

    cadre_id: int
    pool: str
    months: list[tuple[date, ranking.Month]] = field(default_factory=list)
    capped: list[date] = field(default_factory=list)  # months a veto indicator of the scheme failed
    parts: list[Parts] = field(default_factory=list)  # by month, as `months`

    @property
    def standing(self) -> ranking.Standing:
        return ranking.span_standing(self.cadre_id, [m for _when, m in self.months])

    def lines(self) -> list[dict]:
        """Each month's total and every part of it, for the breakdown: performance + supervision +
        bonus − deduction = assessment; total = assessment, or with a democratic evaluation
        assessment × (1 − share) + democratic × share, rounded half-up to 2 places."""
        return [
            {
                "month": f"{when:%Y-%m}",
                "total": str(m.total),
                "performance": str(m.performance),
                "supervision": str(p.supervision),
                "bonus": str(m.bonus),
                "deduction": str(m.deduction),
                "assessment": str(p.assessment),
                "democratic": None if m.democratic is None else str(m.democratic),
                "democratic_share": None if m.democratic is None else str(p.democratic_share),
            }
            for (when, m), p in zip(self.months, self.parts, strict=True)
        ]

    def means(self) -> dict:
        """The mean of each column over the months counted (each rounded half-up to 2 places)."""
        standing = self.standing
        return {
            "performance": str(standing.performance),
            "supervision": str(_mean([p.supervision for p in self.parts])),
            "bonus": str(standing.bonus),
            "deduction": str(standing.deduction),
            "assessment": str(_mean([p.assessment for p in self.parts])),
            "democratic": None if standing.democratic is None else str(standing.democratic),
        }


# What the annual breakdown reads of a month besides `results.selectors.YEAR_FIELDS`, in the same
# query: the supervision points and the assessment score as the month's breakdown stored them (two
# keys of its JSON, read by the database, not the whole document) and the scheme's democratic share
# (frozen once the scheme is published). They are read, not inferred from the total: a total is
# rounded, floored and ceilinged, and weighted with the democratic evaluation, so what it leaves
# after the other columns would not be the supervision points.
PARTS_FIELDS = ("breakdown__process_total", "breakdown__assessment", "scheme__democratic_share")


def _published_year_rows(town: Town, year: int) -> list[tuple]:
    """The year's published monthly results, by month, with `PARTS_FIELDS` (one query)."""
    return list(
        MonthlyResult.objects.filter(
            period__town=town, period__month__year=year, period__status=PeriodStatus.PUBLISHED
        )
        .order_by("period__month", "cadre_id")
        .values_list(*results.YEAR_FIELDS, *PARTS_FIELDS)
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def year_of(town: Town, year: int) -> tuple[list[date], dict[int, CadreYear]]:
    """The year's published months and every cadre with a result in one of them (two queries)."""
    months = results.published_months(town, year)
    cadres: dict[int, CadreYear] = {}
    for row in _published_year_rows(town, year):
        when, cadre_id, population, group, total, perf, bonus, ded, dem, capped, process, assess, share = row
        entry = cadres.setdefault(cadre_id, CadreYear(cadre_id, pool_key(population, group)))
        entry.pool = pool_key(population, group)  # rows come by month: the last month's pool wins
        entry.months.append((when, ranking.Month(total, perf, bonus, ded, dem)))
        supervision = _decimal(process) or Decimal(0)
        assessment = _decimal(assess)
        if assessment is None:  # a breakdown stored before it held the assessment score
            assessment = perf + supervision + bonus - ded
        entry.parts.append(Parts(supervision, assessment, share))
        if capped:
            entry.capped.append(when)
    return months, cadres


def tie_breaks(town: Town, year: int) -> dict[str, list[str]]:
    """Each population's tie-break chain in the year's scheme (one query)."""
    return {
        population: [t for t in chain or [] if t in ranking.HIGHER_IS_BETTER]
        for population, chain in Scheme.objects.filter(town=town, year=year).values_list(
            "population", "tie_breaks"
        )
    }


def cases_of(town: Town, year: int) -> dict[int, AnnualCase]:
    return {c.cadre_id: c for c in AnnualCase.objects.filter(town=town, year=year)}


# A veto indicator of the scheme that failed in a published month caps the year's grade below 优秀
# ("no honours that year"), unless the office records a case of its own for the cadre.
CAPPED_LEVEL = 1


def members(pool: list[CadreYear], cases: dict[int, AnnualCase]) -> list[grading.Member]:
    """The engine's members of a pool: their standing and their case (a cadre with no published month
    of the year is in no pool: their case waits on the cases page). A month capped by a veto indicator
    locks the grade at 称职/合格 at best when the office has recorded no case."""
    found = []
    for entry in pool:
        case = cases.get(entry.cadre_id)
        veto = case.veto_level if case is not None and case.kind == CaseKind.VETO else None
        if case is None and entry.capped:
            veto = CAPPED_LEVEL
        why = case.reason if case is not None and case.kind == CaseKind.UNDETERMINED else ""
        found.append(grading.Member(entry.cadre_id, entry.standing, veto_level=veto, undetermined=why))
    return found


def engine_rules(settings: YearSettings, chain: list[str]) -> grading.Rules:
    return grading.Rules(
        share=settings.share_in_force,
        share_approved=settings.share_approved,
        thresholds=(Decimal(settings.level1_from), Decimal(settings.level2_from)),
        excellent_minimum=settings.excellent_minimum,
        tie_breaks=tuple(chain),
    )


def rules_key(settings: YearSettings) -> str:
    """The grading rules in force as text, the same for the defaults and the saved settings (70 and
    70.00 alike), so that saving unchanged rules does not make a proposal out of date."""
    values = (settings.share_in_force, settings.level1_from, settings.level2_from, settings.excellent_minimum)
    return ":".join("-" if v is None else f"{Decimal(v):.2f}" for v in values)


def signature(months: list[date], corrections: list[int], cases: list[AnnualCase], rules: str) -> str:
    """What a pool's proposal was computed from, as a digest: the published months, the published
    corrections of the year, the pool's cases and the grading rules in force. A change of any makes
    the stored proposal out of date."""
    parts = [
        rules,
        ",".join(f"{m:%Y-%m}" for m in months),
        ",".join(str(n) for n in corrections),
        ";".join(
            f"{c.cadre_id}:{c.kind}:{c.veto_level}:{c.reason}"
            for c in sorted(cases, key=lambda c: c.cadre_id)
        ),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def pools_of(cadres: dict[int, CadreYear]) -> dict[str, list[CadreYear]]:
    grouped: dict[str, list[CadreYear]] = defaultdict(list)
    for entry in cadres.values():
        grouped[entry.pool].append(entry)
    return grouped

"""Reads of the annual evaluation used by its pages, the dossier and the exports, each in a fixed
number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from kaoping.engine import grading, ranking
from kaoping.indicators.models import TieBreak
from kaoping.people.models import Cadre, Population, Town, Village
from kaoping.results import selectors as results

from . import collectives as collective_scores
from . import scores
from .models import (
    AnnualCase,
    AnnualResult,
    CaseKind,
    CollectiveMethod,
    PoolProposal,
    YearSettings,
    grade_label,
)


@dataclass
class PoolSummary:
    key: str
    label: str
    proposal: PoolProposal | None
    members: int = 0
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # final grades by level
    ungraded: int = 0
    stale: bool = False

    @property
    def excellent(self) -> int:
        return self.counts[grading.EXCELLENT]

    @property
    def over_quota(self) -> bool:
        return self.proposal is not None and self.excellent > self.proposal.quota


@dataclass(frozen=True)
class YearProgress:
    """How far the year's publication has come: a year is over once its December is published (the
    annual grades are computed from then on); before, the pages say how many months are published."""

    year: int
    months: list[date]

    @property
    def published(self) -> int:
        return len(self.months)

    @property
    def over(self) -> bool:
        return any(m.month == 12 for m in self.months)

    @property
    def text(self) -> str:
        """What the pages say of a year in progress ("" once it is over)."""
        if self.over:
            return ""
        return _(
            "The year %(year)d is in progress: %(n)d of 12 months published. The pools are computed after "
            "December is published; a proposal computed before reads only the months published so far."
        ) % {"year": self.year, "n": self.published}


def progress(town: Town, year: int) -> YearProgress:
    """The year's published months (one query)."""
    return YearProgress(year, results.published_months(town, year))


def overview(
    town: Town, year: int, settings: YearSettings, months: list[date] | None = None
) -> list[PoolSummary]:
    """Each graded pool of the year: its stored proposal, final grades counted against the quota, and
    whether a month, a correction, a case or a rule changed since (stale). Six queries (five when the
    published months are given, `progress`)."""
    proposals = {p.pool: p for p in PoolProposal.objects.filter(town=town, year=year)}
    rows = AnnualResult.objects.filter(town=town, year=year).values_list("pool", "cadre_id", "level")
    by_pool: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for pool, cadre_id, level in rows:
        by_pool[pool].append((cadre_id, level))
    if months is None:
        months = results.published_months(town, year)
    corrections = results.published_corrections(town, year)
    cases = list(AnnualCase.objects.filter(town=town, year=year))
    rules = scores.rules_key(settings)
    summaries = []
    for key in scores.graded_pools(settings):
        summary = PoolSummary(key, scores.pool_label(key), proposals.get(key))
        members = by_pool.get(key, [])
        summary.members = len(members)
        for _cadre, level in members:
            if level is None:
                summary.ungraded += 1
            else:
                summary.counts[level] += 1
        if summary.proposal is not None:
            ids = {cadre for cadre, _level in members}
            pool_cases = [c for c in cases if c.cadre_id in ids]
            summary.stale = (
                scores.signature(months, corrections, pool_cases, rules) != summary.proposal.signature
            )
        summaries.append(summary)
    return summaries


def criterion_label(criterion: str) -> str:
    return str(TieBreak(criterion).label) if criterion in TieBreak.values else criterion


def why_text(result: AnnualResult, names: dict[int, str], case: AnnualCase | None = None) -> str:
    """Why the proposal gave a cadre their grade, in words."""
    why = result.why or {}
    reason = why.get("reason")
    place = {"rank": result.rank, "quota": why.get("quota"), "size": why.get("pool_size")}
    if reason == grading.QUOTA:
        text = _("Rank %(rank)s: within the %(quota)s 优秀 places of a pool of %(size)s.") % place
    elif reason == grading.VETO:
        text = _("Veto (一票否决): the grade is locked whatever the score.")
        if case is not None and case.detail:
            text += " " + case.detail
        elif case is None and why.get("capped"):
            text += " " + _("A veto indicator of the scheme failed in %(months)s: no 优秀 this year.") % {
                "months": "、".join(why["capped"])
            }
    elif reason == grading.UNDETERMINED:
        text = _("Grade not determined this year; not counted in the pool.")
        if case is not None:
            text += " " + str(case.get_reason_display()) + (f" {case.detail}" if case.detail else "")
    elif reason == grading.NO_SCORE:
        text = _("No published month of the year: no annual score, no grade.")
    else:
        threshold = why.get("threshold")
        by_threshold = (
            _("score %(score)s against the threshold %(threshold)s")
            % {"score": result.score, "threshold": threshold}
            if threshold
            else ""
        )
        if reason == grading.TIE_AT_BOUNDARY:
            text = _(
                "Rank %(rank)s: tied on the score and every tie-break across the last of the %(quota)s 优秀 "
                "places, which nobody of the tie gets; graded by %(threshold)s."
            ) % {**place, "threshold": by_threshold}
        elif reason == grading.BELOW_MINIMUM:
            text = _("Rank %(rank)s: below the minimum score for 优秀; graded by %(threshold)s.") % {
                **place,
                "threshold": by_threshold,
            }
        elif reason == grading.THRESHOLD:
            text = _("No 优秀 place in a pool of %(size)s; graded by %(threshold)s.") % {
                **place,
                "threshold": by_threshold,
            }
        else:
            text = _("Rank %(rank)s: after the %(quota)s 优秀 places; graded by %(threshold)s.") % {
                **place,
                "threshold": by_threshold,
            }
    decided = why.get("decided_by")
    if decided:
        text += " " + _(
            "Same score as %(name)s; placed below by “%(criterion)s”: %(above)s %(sign)s %(mine)s."
        ) % {
            "name": names.get(decided["above_key"], "?"),
            "criterion": criterion_label(decided["criterion"]),
            "above": decided["above"] or "—",
            "sign": decided["sign"],
            "mine": decided["mine"] or "—",
        }
    return text


@dataclass
class PoolRow:
    result: AnnualResult
    case: AnnualCase | None
    why: str
    appeals: list = field(default_factory=list)  # objections and reviews about the grade, once published

    @property
    def cadre(self) -> Cadre:
        return self.result.cadre


def pool_rows(town: Town, year: int, pool: str) -> list[PoolRow]:
    """The pool's stored proposal, rank order (ungraded last), with each one's case and why: two queries."""
    stored = list(
        AnnualResult.objects.filter(town=town, year=year, pool=pool)
        .select_related("cadre__department", "cadre__village")
        .order_by("rank", "cadre__name")
    )
    cases = {c.cadre_id: c for c in AnnualCase.objects.filter(town=town, year=year)}
    names = {r.cadre_id: r.cadre.name for r in stored}
    stored.sort(key=lambda r: (r.rank is None, r.rank or 0, r.cadre.name))
    return [PoolRow(r, cases.get(r.cadre_id), why_text(r, names, cases.get(r.cadre_id))) for r in stored]


def boundary_text(proposal: PoolProposal, names: dict[int, str]) -> str:
    """What happened at the last 优秀 place, in words ("" when nothing was equal there)."""
    boundary = proposal.boundary or {}
    if boundary.get("tie"):
        return _(
            "A tie nothing breaks at the last 优秀 place (%(names)s): nobody of the tie gets 优秀, "
            "so the pool "
            "has fewer 优秀 than places."
        ) % {"names": "、".join(names.get(k, "?") for k in boundary["tie"])}
    decided = boundary.get("decided_by")
    if decided:
        return _("The last 优秀 place was decided by “%(criterion)s”: %(above)s %(sign)s %(mine)s.") % {
            "criterion": criterion_label(decided["criterion"]),
            "above": decided["above"] or "—",
            "sign": decided["sign"],
            "mine": decided["mine"] or "—",
        }
    return ""


@dataclass
class CadreYearRow:
    year: int
    result: AnnualResult
    merit_years: list[int]  # three consecutive years 优秀 ending with this one (三等功)


def cadre_years(cadre: Cadre) -> list[CadreYearRow]:
    """A cadre's annual scores and grades, year by year, with three consecutive 优秀 flagged: one query."""
    found = list(AnnualResult.objects.filter(cadre=cadre).order_by("year"))
    levels = {r.year: r.level for r in found}
    return [CadreYearRow(r.year, r, grading.consecutive_excellent(levels, r.year)) for r in found]


@dataclass
class Honour:
    cadre: Cadre
    result: AnnualResult
    merit_years: list[int]


@dataclass
class Collective:
    village: Village
    score: Decimal | None
    rank: int | None
    cadres: int
    vetoed: bool
    honoured: bool = False
    basis: str = ""  # what scored the village, when it is scored by its own assessment


@dataclass
class Honours:
    agency: list[Honour]
    heads: list[Honour]
    collectives: list[Collective]
    agency_places: int | None
    head_places: int | None
    collective_places: int
    collective_text: str
    own_scores: bool = False  # the collectives are scored by their own assessment (`collectives.py`)

    @property
    def not_scored(self) -> list[Collective]:
        """The villages without a score, listed apart (never ranked as zero)."""
        return [c for c in self.collectives if c.score is None]


def _honoured(
    rows: list[AnnualResult], places: int | None, history: dict[int, dict[int, int | None]], year: int
):
    # Several pools may give the honour (the agency categories): the best annual score first.
    excellent = sorted(
        (r for r in rows if r.level == grading.EXCELLENT), key=lambda r: (-(r.score or 0), r.cadre.name)
    )
    if places is not None:
        excellent = excellent[:places]
    return [Honour(r.cadre, r, grading.consecutive_excellent(history[r.cadre_id], year)) for r in excellent]


def honours(town: Town, year: int, settings: YearSettings) -> Honours:
    """The year's honours from the final grades: excellent agency cadres and village heads (优秀 of their
    pools, within the places the town sets), and advanced village collectives, each village scored
    from its village cadres' annual scores or by its own assessment, as the town chooses. Four queries
    (five when the collectives are scored by their own assessment)."""
    rows = list(
        AnnualResult.objects.filter(town=town, year=year).select_related(
            "cadre__village", "cadre__department"
        )
    )
    history: dict[int, dict[int, int | None]] = defaultdict(dict)
    for cadre_id, y, level in AnnualResult.objects.filter(
        town=town, year__in=range(year - 2, year + 1)
    ).values_list("cadre_id", "year", "level"):
        history[cadre_id][y] = level
    agency = _honoured(
        [r for r in rows if r.pool in scores.AGENCY_POOLS], settings.agency_honours, history, year
    )
    heads = _honoured([r for r in rows if r.pool == scores.HEADS_POOL], settings.head_honours, history, year)

    vetoed = {c.cadre_id for c in AnnualCase.objects.filter(town=town, year=year, kind=CaseKind.VETO)}
    villages = list(Village.objects.filter(town=town, is_active=True).order_by("sort_order", "name"))
    by_village: dict[int, list[AnnualResult]] = defaultdict(list)
    for r in rows:
        if (
            scores.population_of(r.pool) == Population.VILLAGE
            and r.cadre.village_id is not None
            and r.score is not None
        ):
            by_village[r.cadre.village_id].append(r)
    own = settings.collective_method == CollectiveMethod.OWN_SCORE
    entered = collective_scores.own_scores(town, year) if own else {}  # its own assessment: one query
    collectives = []
    for village in villages:
        members = by_village.get(village.pk, [])
        if settings.collective_method == CollectiveMethod.HEAD_SCORE:
            counted = [r.score for r in members if r.pool == scores.HEADS_POOL]
        else:
            counted = [r.score for r in members]
        score = ranking.span_mean(counted) if counted else None
        entry = entered.get(village.pk)
        if own:  # not scored without an entry: listed apart, never as zero
            counted, score = [], entry.score if entry else None
        collectives.append(
            Collective(
                village,
                score,
                None,
                len(counted),
                any(r.cadre_id in vetoed for r in members),
                basis=entry.basis if entry else "",
            )
        )
    scored = [c for c in collectives if c.score is not None]
    placed = ranking.ranks(ranking.rank([ranking.Standing(c.village.pk, c.score) for c in scored]))
    for c in scored:
        c.rank = placed[c.village.pk]
    places = (
        settings.collective_honours
        if settings.collective_honours is not None
        else grading.quota(grading.DEFAULT_SHARE, len(villages))
    )
    eligible = sorted((c for c in scored if not c.vetoed), key=lambda c: (c.rank, c.village.name))
    if places and len(eligible) > places and eligible[places - 1].rank == eligible[places].rank:
        cut = eligible[places - 1].rank
        chosen = [c for c in eligible if c.rank < cut]  # a tie at the last place: nobody of the tie
    else:
        chosen = eligible[:places]
    for c in chosen:
        c.honoured = True
    collectives.sort(key=lambda c: (c.rank is None, c.rank or 0, c.village.sort_order, c.village.name))
    text = (
        _("A village collective's score: the annual score of its village head.")
        if settings.collective_method == CollectiveMethod.HEAD_SCORE
        else _("A village collective's score: the mean of the annual scores of its village cadres.")
    )
    if own:
        text = collective_scores.honours_text()
    text += " " + _(
        "A collective with a vetoed cadre is not honoured; a tie nothing breaks at the last place honours "
        "nobody of the tie."
    )
    return Honours(
        agency, heads, collectives, settings.agency_honours, settings.head_honours, places, text, own
    )


def year_choices(town: Town, current: int) -> list[int]:
    """The years the pages offer: every year with a published month or a stored result, and `current`."""
    years = {m.year for m in results.published_years(town)} | set(
        AnnualResult.objects.filter(town=town).values_list("year", flat=True).distinct()
    )
    return sorted(years | {current}, reverse=True)


def year_result_ids(town: Town, year: int) -> list[int]:
    """The ids of the town's annual results of `year`: the subjects of its grades' objections and
    reviews (one query)."""
    return list(AnnualResult.objects.filter(town=town, year=year).values_list("pk", flat=True))


def grade_of(result: AnnualResult) -> str:
    return grade_label(result.scale, result.level)


def cadre_honours(cadre: Cadre) -> dict[int, str]:
    """{year: the honour in words} of the years the cadre was among the excellent agency cadres or the
    excellent village heads of their town (the 优秀 of their pools, within the places the town set, as
    `honours` chooses them): three queries whatever the number of years (none when never 优秀)."""
    excellent = dict(
        AnnualResult.objects.filter(
            cadre=cadre, level=grading.EXCELLENT, pool__in=[*scores.AGENCY_POOLS, scores.HEADS_POOL]
        ).values_list("year", "pool")
    )
    if not excellent:
        return {}
    settings = {
        s.year: s for s in YearSettings.objects.filter(town_id=cadre.town_id, year__in=list(excellent))
    }
    rows: dict[tuple[int, bool], list[AnnualResult]] = defaultdict(list)
    for r in AnnualResult.objects.filter(
        town_id=cadre.town_id, year__in=list(excellent), level=grading.EXCELLENT
    ).select_related("cadre"):
        rows[(r.year, r.pool == scores.HEADS_POOL)].append(r)
    history: dict[int, dict[int, int | None]] = defaultdict(dict)
    found = {}
    for year, pool in excellent.items():
        year_settings = settings.get(year) or YearSettings(town_id=cadre.town_id, year=year)  # the defaults
        heads = pool == scores.HEADS_POOL
        places = year_settings.head_honours if heads else year_settings.agency_honours
        members = [r for r in rows[(year, heads)] if heads or r.pool in scores.AGENCY_POOLS]
        if any(h.cadre.pk == cadre.pk for h in _honoured(members, places, history, year)):
            found[year] = _("Excellent village head") if heads else _("Excellent agency cadre")
    return found

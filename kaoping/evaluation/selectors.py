"""Reads of the democratic evaluation used by pages, exports, the check command and other apps."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404

from kaoping.engine.periods import quarter_months
from kaoping.people.models import AgencyCategory, Cadre, Population, Town
from kaoping.people.selectors import Membership, rosters

from .models import Ballot, BallotDraft, RaterClass, Round, RoundStatus, SealedBallot, TargetResult


def democratic_scores(town: Town, year: int, quarter: int) -> dict[int, Decimal]:
    """{cadre id: democratic score} of the town's closed round for the quarter; empty if there is none.

    Targets nobody rated (score None) are left out. This is what the results engine consumes as
    `democratic=`.
    """
    rows = TargetResult.objects.filter(
        round__town=town, round__year=year, round__quarter=quarter, round__status=RoundStatus.CLOSED
    ).exclude(score=None)
    return dict(rows.values_list("cadre_id", "score"))


def round_or_404(town: Town, slug: str) -> Round:
    """A round of the town by its slug, e.g. 2026Q1."""
    try:
        year, quarter = slug.upper().split("Q")
        return Round.objects.get(town=town, year=int(year), quarter=int(quarter))
    except (ValueError, Round.DoesNotExist):
        raise Http404 from None


def quarter_roster(town: Town, year: int, quarter: int) -> dict[int, Membership]:
    """Who is assessed in the quarter: {cadre id: their membership}, one query.

    The quarter's roster is every cadre on the roster of any of its three months
    (`people.selectors.roster`: in post on a month's first day, or appointed during it), because the
    round's democratic score counts toward each of the quarter's monthly results: whoever is ranked
    in one of those months is rated. A cadre who left before the quarter is not on it; one appointed
    during it is. Each cadre's membership is the one of the latest month they were on the roster.
    """
    found: dict[int, Membership] = {}
    for _month, members in sorted(rosters(town, quarter_months(year, quarter)).items()):
        found.update(members)
    return found


def cadres_for(
    town: Town, *, year: int, quarter: int, groups: list[str], cadre_ids: list[int]
) -> list[Cadre]:
    """The cadres of the quarter's roster (`quarter_roster`) in any of `groups` ("leadership",
    "agency:established", "village", …) by their posting in the quarter, and those chosen one by one
    (`round_create` refuses a chosen cadre who is not on the quarter's roster), in display order."""
    roster = quarter_roster(town, year, quarter)
    ids = set(cadre_ids)
    for group in groups:
        population, _sep, category = group.partition(":")
        ids |= {
            pk
            for pk, m in roster.items()
            if m.population == population and (not category or m.agency_category == category)
        }
    return list(Cadre.objects.filter(town=town, pk__in=ids).with_workplace().in_display_order())


def target_groups() -> list[tuple[str, str]]:
    """The groups a round's targets can be chosen by: each population, agency cadres by category."""
    groups = [(Population.LEADERSHIP.value, Population.LEADERSHIP.label)]
    groups += [
        (f"{Population.AGENCY}:{c}", f"{Population.AGENCY.label} · {label}")
        for c, label in AgencyCategory.choices
    ]
    groups += [(Population.VILLAGE.value, Population.VILLAGE.label)]
    return groups


@dataclass(frozen=True)
class Turnout:
    rater_class: RaterClass
    issued: int
    used: int
    ballots: int

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.issued) if self.issued else 0


def turnout(rnd: Round) -> list[Turnout]:
    """Codes issued and used, and ballots stored, per rater class: counts only, never content.

    While the round is open its ballots are sealed (their class is the one of the code that cast
    them, so counting them by class tells nothing new); once closed they are the ballot box."""
    classes = RaterClass.objects.filter(round=rnd).annotate(
        issued=Count("codes", distinct=True),
        used=Count("codes", filter=Q(codes__used=True), distinct=True),
    )
    ballots: dict[int, int] = {}
    for model in (Ballot, SealedBallot):
        counts = model.objects.filter(round=rnd).values_list("rater_class").annotate(n=Count("id"))
        for rater_class, n in counts.values_list("rater_class", "n"):
            ballots[rater_class] = ballots.get(rater_class, 0) + n
    return [Turnout(c, c.issued, c.used, ballots.get(c.pk, 0)) for c in classes]


def reconcile(rnd: Round) -> list[str]:
    """The ways the round's ballot box does not add up; empty when it does (plain text, for operators)."""
    problems = []
    for row in turnout(rnd):
        if row.ballots != row.used:
            problems.append(
                f"{row.rater_class.kind}: {row.ballots} ballots stored but {row.used} codes marked used"
            )
    if any(
        m.objects.filter(round=rnd).exclude(rater_class__round=rnd).exists() for m in (Ballot, SealedBallot)
    ):
        problems.append("ballots whose rater class belongs to another round")
    if Ballot.objects.filter(round=rnd).exists() and SealedBallot.objects.filter(round=rnd).exists():
        problems.append("sealed ballots and an opened ballot box side by side")
    if rnd.status == RoundStatus.CLOSED:
        if SealedBallot.objects.filter(round=rnd).exists():
            problems.append("sealed ballots remain after closing")
        if BallotDraft.objects.filter(round=rnd).exists():
            problems.append("drafts (linked to codes) remain after closing")
        if rnd.results.count() != rnd.targets.count():
            problems.append("the results do not cover every target")
    return problems


@dataclass(frozen=True)
class ResultRow:
    cadre: Cadre
    result: TargetResult


def results(rnd: Round) -> list[ResultRow]:
    """The round's targets with their results, in the round's order."""
    by_cadre = {r.cadre_id: r for r in TargetResult.objects.filter(round=rnd)}
    targets = rnd.targets.select_related("cadre__department", "cadre__village")
    return [ResultRow(t.cadre, by_cadre[t.cadre_id]) for t in targets if t.cadre_id in by_cadre]

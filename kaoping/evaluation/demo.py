"""Four past quarters of democratic evaluation for the demo town (Q4 2025 to Q3 2026), all closed.

Targets: the leadership members and the middle-level cadres (the department heads who report at the
quarterly meeting). Every cadre of the town gets a code in their rater class; about nine in ten vote.
Deterministic (seeded). Call `load_demo_rounds(town)` after the people are loaded.
"""

import random
from datetime import date

from kaoping.people.models import AgencyCategory, Cadre, Population, Town

from . import sealing, services
from .models import DEFAULT_WEIGHTS, Grade, RaterKind, SealedBallot, SubItem, VotingCode

QUARTERS = [
    (2025, 4, date(2025, 12, 26)),
    (2026, 1, date(2026, 3, 27)),
    (2026, 2, date(2026, 6, 26)),
    (2026, 3, date(2026, 9, 25)),
]


def _rater_kind(cadre: Cadre) -> str | None:
    if cadre.population == Population.LEADERSHIP:
        return RaterKind.LEADERSHIP
    if cadre.population != Population.AGENCY:
        return None
    if cadre.is_middle_level:
        return RaterKind.MIDDLE_LEVEL
    if cadre.agency_category == AgencyCategory.NON_ESTABLISHED:
        return RaterKind.NON_ESTABLISHED
    return RaterKind.ESTABLISHED


def load_demo_rounds(town: Town) -> dict[str, int]:
    """Write four closed rounds with ballots for `town`; return the counts of rounds and ballots."""
    rng = random.Random(f"kaoping-demo-evaluation-{town.slug}")
    cadres = list(Cadre.objects.active().filter(town=town).in_display_order())
    targets = [c for c in cadres if c.population == Population.LEADERSHIP or c.is_middle_level]
    raters: dict[str, int] = {}
    for cadre in cadres:
        if kind := _rater_kind(cadre):
            raters[kind] = raters.get(kind, 0) + 1
    standing = {c.pk: rng.uniform(0.0, 1.0) for c in targets}
    grades = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]
    ballots_written = 0
    for index, (year, quarter, held_on) in enumerate(QUARTERS):
        classes = [
            services.ClassSpec(kind, weight, raters.get(kind, 0)) for kind, weight in DEFAULT_WEIGHTS.items()
        ]
        rnd = services.round_create(
            actor=None,
            town=town,
            year=year,
            quarter=quarter,
            title=f"{year}年第{'一二三四'[quarter - 1]}季度干部民主测评",
            held_on=held_on,
            cadres=targets,
            classes=classes,
            sub_items=list(SubItem.values) if index == len(QUARTERS) - 1 else [],
        )
        services.codes_generate(actor=None, round=rnd)
        # The demo plays the key holders too: it keeps the shares just long enough to close the round.
        shares = services.round_open(actor=None, round=rnd)
        size = services.ballot_size(rnd)
        ballots = []
        used = []
        for rater_class in rnd.classes.all():
            codes = list(VotingCode.objects.filter(rater_class=rater_class).values_list("pk", flat=True))
            voters = [pk for pk in codes if rng.random() < 0.9]
            used += voters
            for _voter in voters:
                ratings = {}
                for target in targets:
                    if rng.random() < 0.04:
                        ratings[str(target.pk)] = {"overall": Grade.UNKNOWN}
                        continue
                    roll = rng.random() * 0.6 + standing[target.pk] * 0.4
                    grade = grades[0 if roll > 0.55 else 1 if roll > 0.25 else 2 if roll > 0.05 else 3]
                    rating = {"overall": grade}
                    for item in rnd.sub_items:
                        rating[item] = rng.choice(["good", "good", "fair", "average"])
                    ratings[str(target.pk)] = rating
                sealed = sealing.seal(
                    {"class": rater_class.kind, "ratings": ratings}, public_key=rnd.public_key, size=size
                )
                ballots.append(SealedBallot(round=rnd, rater_class=rater_class, sealed=sealed))
        VotingCode.objects.filter(pk__in=used).update(used=True)
        SealedBallot.objects.bulk_create(ballots, batch_size=500)
        services.round_close(actor=None, round=rnd, shares=shares[: rnd.key_threshold], confirmed=True)
        ballots_written += len(ballots)
    return {"evaluation_rounds": len(QUARTERS), "ballots": ballots_written}

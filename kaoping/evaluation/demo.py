"""Eight past quarters of democratic evaluation for the demo town (Q4 2024 to Q3 2026).

Targets: the leadership members and the middle-level cadres (the department heads who report at the
quarterly meeting) in post in the quarter. Every cadre in post then gets a code in their rater class;
about nine in ten vote. Each round is held on the last Friday of its quarter: opened that morning,
closed that afternoon, after the quarter's first two months were published and before its last month
is scored. `load_demo_rounds(town)` writes the rounds open with their ballots in (call it after the
people are loaded); the `DemoRounds` it returns closes each one on its day, as the monthly history
reaches it (`close_held_before`). Deterministic (seeded).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kaoping.engine.periods import quarter_months
from kaoping.people.models import AgencyCategory, Cadre, Population, Town
from kaoping.people.selectors import Membership, roster

from . import sealing, services
from .models import DEFAULT_WEIGHTS, Grade, RaterKind, Round, SealedBallot, SubItem, VotingCode


def _last_friday(year: int, quarter: int) -> date:
    """The last Friday of the quarter's last month."""
    last_month = quarter_months(year, quarter)[-1]
    day = (last_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 4) % 7)


QUARTERS = [
    (year, quarter, _last_friday(year, quarter))
    for year, quarter in [(2024, 4), *((2025, q) for q in (1, 2, 3, 4)), *((2026, q) for q in (1, 2, 3))]
]


def _rater_kind(member: Membership) -> str | None:
    if member.population == Population.LEADERSHIP:
        return RaterKind.LEADERSHIP
    if member.population != Population.AGENCY:
        return None
    if member.is_middle_level:
        return RaterKind.MIDDLE_LEVEL
    if member.agency_category == AgencyCategory.NON_ESTABLISHED:
        return RaterKind.NON_ESTABLISHED
    return RaterKind.ESTABLISHED


def _at(day: date, hour: int) -> datetime:
    """`day` at `hour` o'clock, in the town's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class DemoRounds:
    """The demo's rounds, open with their ballots in, and the key shares that close them."""

    shares: dict[int, list[str]] = field(default_factory=dict)  # round id: the threshold's shares
    ballots: int = 0

    def counts(self) -> dict[str, int]:
        return {"evaluation_rounds": len(QUARTERS), "ballots": self.ballots}

    def close_held_before(self, day: date) -> list[Round]:
        """Close the rounds still open that were held before `day`, each on its day at 17:00 (the
        quarter's months already computed get their pending correction); return them, oldest first."""
        import time_machine  # the demo replays the past; time-machine dates each step

        held = Round.objects.filter(pk__in=self.shares, held_on__lt=day).order_by("held_on")
        closed = []
        for rnd in held:
            with time_machine.travel(_at(rnd.held_on, 17), tick=False):
                services.round_close(actor=None, round=rnd, shares=self.shares.pop(rnd.pk), confirmed=True)
            closed.append(rnd)
        return closed


def load_demo_rounds(town: Town) -> DemoRounds:
    """Write eight rounds with their ballots for `town`, each opened on its day and left open: the
    returned `DemoRounds` closes them (`close_held_before`)."""
    import time_machine

    rng = random.Random(f"kaoping-demo-evaluation-{town.slug}")
    cadres = list(Cadre.objects.filter(town=town).in_display_order())
    standing = {c.pk: rng.uniform(0.0, 1.0) for c in cadres}
    grades = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]
    rounds = DemoRounds()
    for index, (year, quarter, held_on) in enumerate(QUARTERS):
        # Who is evaluated and who votes: the cadres in post in the quarter's last month.
        members = roster(town, quarter_months(year, quarter)[-1])
        targets = [
            c
            for c in cadres
            if c.pk in members
            and (members[c.pk].population == Population.LEADERSHIP or members[c.pk].is_middle_level)
        ]
        raters: dict[str, int] = {}
        for member in members.values():
            if kind := _rater_kind(member):
                raters[kind] = raters.get(kind, 0) + 1
        classes = [
            services.ClassSpec(kind, weight, raters.get(kind, 0)) for kind, weight in DEFAULT_WEIGHTS.items()
        ]
        # Prepared a week ahead and opened on the morning of the meeting.
        with time_machine.travel(_at(held_on - timedelta(days=7), 10), tick=False):
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
        with time_machine.travel(_at(held_on, 9), tick=False):
            shares = services.round_open(actor=None, round=rnd)
        rounds.shares[rnd.pk] = shares[: rnd.key_threshold]
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
        rounds.ballots += len(ballots)
    return rounds

"""The demo town, loaded area by area: people and accounts, then schemes, supervision, evaluation,
two years of scores with their results (October 2024 to November 2026), the annual evaluation and pay
of 2025, objections and a review of 2026's months, the quarterly meetings and the monthly records.
It calls every area's demo, so it lives in the top layer.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from kaoping.accounts.models import Role, User
from kaoping.annual import demo as annual_demo
from kaoping.appeals.demo import load_demo_appeals
from kaoping.audit.services import record
from kaoping.engine.periods import quarter_months
from kaoping.evaluation.demo import load_demo_rounds
from kaoping.evaluation.models import Round
from kaoping.indicators.demo import load_demo_schemes
from kaoping.pay.demo import load_demo_pay
from kaoping.people import demo as people_demo
from kaoping.people.models import Town
from kaoping.quarterly.demo import load_demo_meetings
from kaoping.records.demo import load_demo_records
from kaoping.results import corrections
from kaoping.results.models import Correction, CorrectionStatus
from kaoping.scoring.demo import load_demo_history
from kaoping.supervision.demo import load_demo_supervision

# The demo's "today" and its two years of monthly scoring are the people demo's (postings follow them).
DEMO_TODAY = people_demo.DEMO_TODAY
HISTORY_MONTHS = people_demo.HISTORY_MONTHS
SCHEME_YEARS = sorted({month.year for month in HISTORY_MONTHS})


def load_demo(*, plan: people_demo.Plan | None = None, history: bool = True) -> dict[str, int]:
    """Write the demo in one transaction and record one `demo.load` audit entry; return the counts.

    `history` adds the schemes and two years of monthly scoring; without it, only people and accounts.

    Refuses (DomainError) when a demo town or username is already taken: the demo goes into an
    empty database, or after `kaoping demo --reset`.
    """
    plan = plan or people_demo.build_plan()
    # Texts the services write (bulletin drafts, default titles) are in the town's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        counts, town_of = people_demo.load_people(plan=plan)
        if history:
            counts.update(load_assessment_history(town_of["xiacun"]))
        record(
            actor=None,
            action="demo.load",
            object_type="people.town",
            object_repr="演示数据",
            new=counts,
            note="载入演示数据：" + "、".join(t.spec.name for t in plan.towns),
        )
    return counts


def load_assessment_history(town: Town) -> dict[str, int]:
    """Schemes of 2024 to 2026, supervision items, evaluation rounds, the scores and results of
    October 2024 to November 2026, the annual evaluation and pay of 2025 (2026 in progress), 2026's
    objections and review, the quarterly meetings and the last year's monthly records of `town`."""
    for year in SCHEME_YEARS:
        load_demo_schemes(town, year)
    # Supervision first: the months' results then include its points when their sheets are written.
    # The evaluation rounds are written open and closed on their days as the
    # months go by, with 2026's objections: a quarter's last month is computed with its democratic
    # scores, and its first two, published before the round, are corrected (更正) by the office.
    items = load_demo_supervision(town, today=DEMO_TODAY, start=HISTORY_MONTHS[0])
    rounds = load_demo_rounds(town)

    def meanwhile(day: date) -> None:
        load_demo_appeals(town, raised_before=day)
        for rnd in rounds.close_held_before(day):
            _publish_democratic_corrections(rnd)

    entries = load_demo_history(town=town, months=HISTORY_MONTHS, actor=None, meanwhile=meanwhile)
    people_demo.leave_in_open_month(town)
    # The year 2025 complete: its annual grades and honours, published (公示), objected to, confirmed and
    # reviewed, then the pay the confirmed grades decide.
    annual = annual_demo.load_demo_annual(town)
    pay = load_demo_pay(town)
    annual.update(annual_demo.year_in_progress_step(town))  # 2026 under way
    # 2026's objections and review left (played above), before the meetings that read their months.
    appeals = load_demo_appeals(town)
    meetings = load_demo_meetings(town, today=DEMO_TODAY)
    records = load_demo_records(town, months=people_demo.RECORD_MONTHS, today=DEMO_TODAY)
    return {
        **annual,
        **pay,
        **appeals,
        **{f"quarterly_{key}": value for key, value in meetings.items()},
        **{f"records_{key}": value for key, value in records.items()},
        "scored_months": len(HISTORY_MONTHS),
        "score_entries": entries,
        "supervision_items": items,
        **rounds.counts(),
    }


def _publish_democratic_corrections(rnd: Round) -> None:
    """The office publishes the corrections a closed round made to its quarter's published months
    (更正, numbered in the year's order) on the Monday after the meeting."""
    import time_machine  # the demo replays the past; time-machine dates each step

    office = (
        User.objects.filter(roles__town=rnd.town, roles__role=Role.ASSESSMENT_OFFICE).order_by("pk").first()
    )
    pending = Correction.objects.filter(
        period__town=rnd.town,
        period__month__in=quarter_months(rnd.year, rnd.quarter),
        status=CorrectionStatus.PENDING,
    ).order_by("period__month")
    monday = rnd.held_on + timedelta(days=(7 - rnd.held_on.weekday()) % 7 or 7)
    for n, correction in enumerate(pending):
        at = timezone.make_aware(datetime.combine(monday, time(10, 10 * n)))
        with time_machine.travel(at, tick=False):
            corrections.correction_publish(
                actor=office,
                correction=correction,
                reason=f"{rnd.title}结果按规定比例折算计入本季度各月考核，更正已发布月份的综合得分及排名。",
                based_on=correction.version,
                confirmed=True,
            )

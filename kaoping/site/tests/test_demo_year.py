"""The demo's year 2025 complete and 2026 in progress (issue 15, point 8): every pool of 2025 computed
and current, its cases, one grade changed by the office, the honours, two pay plans approved and adding
up to their pools to the cent; 2026's settings without a computed pool or a pay plan; objections in each
state and one answered review; every step dated in the past by whoever does it in the town."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from kaoping.annual import scores
from kaoping.annual import selectors as annual
from kaoping.annual.models import (
    AnnualCase,
    AnnualPublication,
    AnnualResult,
    CaseKind,
    PoolProposal,
    YearSettings,
)
from kaoping.appeals.models import Appeal, AppealStatus, Stage
from kaoping.audit.models import AuditEntry
from kaoping.engine import grading
from kaoping.engine.periods import quarter_months
from kaoping.evaluation.demo import QUARTERS
from kaoping.evaluation.models import Round, RoundStatus
from kaoping.evaluation.selectors import democratic_scores
from kaoping.pay import selectors as pay
from kaoping.pay.models import Method, PayPlan, PlanKind, PlanStatus
from kaoping.people.demo import DEMO_TODAY
from kaoping.people.models import PersonnelType, Town
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult
from kaoping.scoring.models import PeriodStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(KAOPING_FILES_DIR=tmp_path_factory.mktemp("files")):
        call_command("demo", stdout=StringIO())
        yield Town.objects.get(slug="xiacun")
        call_command("flush", interactive=False, verbosity=0)


def test_every_graded_pool_of_2025_is_computed_from_the_whole_year_and_current(demo):
    settings, defaults = scores.year_settings(demo, 2025)
    assert not defaults
    summaries = annual.overview(demo, 2025, settings)
    assert {s.key for s in summaries} == set(scores.POOL_KEYS)
    for summary in summaries:
        assert summary.proposal is not None, summary.key
        assert summary.proposal.months == [f"2025-{m:02d}" for m in range(1, 13)]
        assert not summary.stale, summary.key
        assert not summary.over_quota, summary.key
        assert summary.proposal.computed_by.username == "kaohe"
    # Everyone with a published month of 2025 is graded, but the undetermined case.
    ungraded = AnnualResult.objects.filter(town=demo, year=2025, level__isnull=True)
    cases = AnnualCase.objects.filter(town=demo, year=2025, kind=CaseKind.UNDETERMINED)
    assert set(ungraded.values_list("cadre_id", flat=True)) == set(cases.values_list("cadre_id", flat=True))
    assert ungraded.count() == 1


def test_2025_has_a_probation_year_and_a_veto_locking_the_grade(demo):
    cases = {c.kind: c for c in AnnualCase.objects.filter(town=demo, year=2025)}
    assert set(cases) == {CaseKind.UNDETERMINED, CaseKind.VETO}
    assert cases[CaseKind.UNDETERMINED].reason == "probation"
    veto = cases[CaseKind.VETO]
    assert veto.detail and veto.veto_level == 1
    result = AnnualResult.objects.get(town=demo, year=2025, cadre=veto.cadre)
    assert result.level == 1 and result.why["reason"] == grading.VETO
    assert result.rank == 1  # the best score of the village heads: the veto took their 优秀


def test_the_office_changed_one_grade_with_its_reason_within_the_quota(demo):
    changed = AnnualResult.objects.filter(town=demo, year=2025).exclude(change_reason="")
    assert changed.count() == 1
    row = changed.get()
    assert (row.proposed_level, row.level, row.scale) == (grading.EXCELLENT, 1, grading.CIVIL_SERVANT)
    assert row.changed_by.username == "kaohe"
    for proposal in PoolProposal.objects.filter(town=demo, year=2025):
        excellent = AnnualResult.objects.filter(
            town=demo, year=2025, pool=proposal.pool, level=grading.EXCELLENT
        ).count()
        assert excellent <= proposal.quota


def test_the_honours_of_2025_fill_their_places_and_pass_over_the_vetoed_village(demo):
    settings, _defaults = scores.year_settings(demo, 2025)
    honours = annual.honours(demo, 2025, settings)
    assert (len(honours.agency), len(honours.heads)) == (15, 4)
    assert all(h.result.level == grading.EXCELLENT for h in honours.agency + honours.heads)
    honoured = [c for c in honours.collectives if c.honoured]
    assert len(honoured) == 5
    assert not any(c.vetoed for c in honoured)
    assert any(c.vetoed for c in honours.collectives)


def test_no_cadre_has_three_years_of_excellent_as_the_history_starts_in_october_2024(demo):
    assert not AnnualResult.objects.filter(town=demo, year__lt=2025).exists()
    assert not any(
        h.merit_years for h in annual.honours(demo, 2025, scores.year_settings(demo, 2025)[0]).agency
    )


def test_2026_is_in_progress_settings_saved_no_pool_computed_no_pay(demo):
    assert YearSettings.objects.filter(town=demo, year=2026).exists()
    assert not PoolProposal.objects.filter(town=demo, year=2026).exists()
    assert not AnnualResult.objects.filter(town=demo, year=2026).exists()
    assert not PayPlan.objects.filter(town=demo, year=2026).exists()


def test_both_pay_plans_of_2025_are_approved_by_the_main_leader_and_add_up_to_the_cent(demo):
    plans = {p.kind: p for p in PayPlan.objects.filter(town=demo, year=2025)}
    assert set(plans) == set(PlanKind.values)
    assert plans[PlanKind.NON_ESTABLISHED_BONUS].method == Method.ABOVE_FLOOR
    assert plans[PlanKind.INSTITUTION_INCENTIVE].method == Method.TIERS
    for plan in plans.values():
        assert plan.status == PlanStatus.APPROVED
        assert plan.submitted_by.username == "kaohe" and plan.approved_by.username == "shuji"
        assert not pay.is_stale(plan)
        amounts = [line.amount for line in plan.lines.all() if line.amount is not None]
        assert len(amounts) > 10
        assert sum(amounts, Decimal(0)) == plan.pool
    # The window clerk in their probation year is listed without an amount, with the reason.
    unpaid = plans[PlanKind.NON_ESTABLISHED_BONUS].lines.exclude(unpaid="")
    assert unpaid.count() == 1 and unpaid.get().unpaid == "no_grade"
    # The incentive pay's members are the stations' established staff, on the institutions' scale.
    incentive = plans[PlanKind.INSTITUTION_INCENTIVE].lines.select_related("cadre")
    assert {line.cadre.personnel_type for line in incentive} == {PersonnelType.PUBLIC_INSTITUTION}


def test_2026_has_objections_in_each_state_and_one_answered_review(demo):
    appeals = list(
        Appeal.objects.filter(town=demo, kind="results.month").select_related("answered_by", "raised_by")
    )
    objections = {a.status for a in appeals if a.stage == Stage.OBJECTION}
    assert objections == {AppealStatus.UPHELD, AppealStatus.REJECTED, AppealStatus.OPEN}
    reviews = [a for a in appeals if a.stage == Stage.REVIEW]
    assert len(reviews) == 1 and reviews[0].status in (AppealStatus.KEPT, AppealStatus.IMPROVED)
    for appeal in appeals:
        assert appeal.raised_by.cadre_id == appeal.cadre_id
        if appeal.is_open:
            assert appeal.answered_by is None and not appeal.answer
        else:
            assert appeal.answered_by.username == "kaohe" and appeal.answer
            assert appeal.raised_at < appeal.answered_at
        assert appeal.raised_at.year == 2026 and timezone.localdate(appeal.raised_at) <= DEMO_TODAY


def test_2025_grades_were_published_objected_to_confirmed_and_reviewed_before_pay(demo):
    published = AnnualPublication.objects.get(town=demo, year=2025)
    assert published.published_by.username == "kaohe" and published.confirmed_by.username == "kaohe"
    appeals = list(Appeal.objects.filter(town=demo, kind="annual.grade").order_by("raised_at"))
    assert [(a.stage, a.status) for a in appeals] == [
        (Stage.OBJECTION, AppealStatus.REJECTED),
        (Stage.REVIEW, appeals[1].status),
    ]
    assert appeals[1].status in (AppealStatus.KEPT, AppealStatus.IMPROVED) and appeals[1].answer
    objection, review = appeals
    # The objection is raised and answered in the window, the review after the confirmation.
    assert published.published_at < objection.raised_at < objection.answered_at < published.confirmed_at
    assert published.confirmed_at < review.raised_at < review.answered_at
    # Pay is computed from the confirmed grades, after the review was decided.
    for plan in PayPlan.objects.filter(town=demo, year=2025):
        assert plan.submitted_at > review.answered_at


def test_the_upheld_objection_is_published_as_a_correction_of_its_month(demo):
    upheld = Appeal.objects.get(town=demo, status=AppealStatus.UPHELD)
    correction = Correction.objects.get(pk=int(upheld.reference.split(":")[1]))
    # The fifth of 2026: after the office's corrections for the rounds of the first two quarters.
    assert correction.status == CorrectionStatus.PUBLISHED and correction.number == 5
    assert correction.decided_by.username == "shuji"
    result = MonthlyResult.objects.get(pk=upheld.subject_id)
    assert f"{result.total:.2f}" == upheld.outcome_after
    assert Decimal(upheld.outcome_after) > Decimal(upheld.outcome_before)
    # Only the cadre's line changes: the rest of the month stays as published.
    assert [line["cadre"] for line in correction.changes] == [upheld.cadre_id]


def test_the_steps_are_audited_on_their_days_by_their_actors(demo):
    entries = AuditEntry.objects.filter(
        action__in=[
            "annual_settings.create",
            "annual_case.save",
            "annual_proposal.compute",
            "annual_result.change",
            "pay_plan.submit",
            "pay_plan.approve",
            "annual.publish",
            "annual.confirm",
            "appeal.objection",
            "appeal.review",
            "appeal.answer",
            "correction.publish",
        ]
    )
    actors = {}
    for entry in entries:
        assert timezone.localdate(entry.at) <= DEMO_TODAY, entry.action
        actors.setdefault(entry.action, set()).add(entry.actor_name)
    assert len(actors) == 12
    # The secretary publishes the upheld objection's correction, the office the evaluation rounds'.
    assert actors["pay_plan.approve"] == {"shuji"} and actors["correction.publish"] == {"shuji", "kaohe"}
    assert actors["annual_proposal.compute"] == actors["annual.confirm"] == {"kaohe"} and actors[
        "appeal.answer"
    ] == {"kaohe"}
    loaded = AuditEntry.objects.get(action="demo.load").new
    assert loaded["annual_pools"] == 6 and loaded["pay_plans"] == 2
    # The monthly results' four and the annual grades' two (an objection rejected, a review kept).
    assert loaded["appeals_open"] == 1 and loaded["appeals_kept"] == 2 and loaded["appeals_rejected"] == 2
    assert loaded["annual_published"] == loaded["annual_confirmed"] == 1


def test_every_published_month_of_a_closed_rounds_quarter_carries_its_democratic_scores(demo):
    rounds = list(Round.objects.filter(town=demo).order_by("year", "quarter"))
    assert [(r.year, r.quarter) for r in rounds] == [(year, quarter) for year, quarter, _day in QUARTERS]
    covered = set()
    for rnd in rounds:
        assert rnd.status == RoundStatus.CLOSED and timezone.localdate(rnd.closed_at) == rnd.held_on
        scores = democratic_scores(demo, rnd.year, rnd.quarter)
        assert len(scores) >= 20
        for month in quarter_months(rnd.year, rnd.quarter):
            covered.add(month)
            rows = MonthlyResult.objects.filter(
                period__town=demo, period__month=month, period__status=PeriodStatus.PUBLISHED
            )
            carried = dict(rows.exclude(democratic=None).values_list("cadre_id", "democratic"))
            assessed = set(rows.values_list("cadre_id", flat=True))
            assert carried == {pk: score for pk, score in scores.items() if pk in assessed}, month
    # The months of the quarter under way (no round closed yet) carry none.
    later = MonthlyResult.objects.filter(period__town=demo).exclude(period__month__in=covered)
    assert later.exists() and not later.exclude(democratic=None).exists()


def test_a_round_corrects_the_two_months_published_before_it_and_scores_the_last_one(demo):
    for rnd in Round.objects.filter(town=demo):
        first, second, last = quarter_months(rnd.year, rnd.quarter)
        caused = [
            c
            for c in Correction.objects.filter(period__town=demo).select_related("period", "decided_by")
            if any(rnd.title in cause for cause in c.causes)
        ]
        # The last month is computed after the meeting, with the scores: nothing of it to correct.
        assert sorted(c.period.month for c in caused) == [first, second], rnd
        for correction in caused:
            assert correction.status == CorrectionStatus.PUBLISHED and correction.number
            assert correction.decided_by.username == "kaohe"
            assert correction.period.published_at < rnd.closed_at < correction.decided_at
    # Each year's corrections are numbered in the order they were published.
    for year in (2024, 2025, 2026):
        published = Correction.objects.filter(town=demo, year=year, status=CorrectionStatus.PUBLISHED)
        numbers = list(published.order_by("decided_at", "pk").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), year

"""Objections during the publication window and reviews after it, on a published month (services)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from kaoping.accounts.models import Role, RoleAssignment
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.inbox import reminders
from kaoping.inbox.models import Message
from kaoping.indicators.models import Indicator
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult, ScoreCorrection

from .. import monthly, services
from ..models import Appeal, AppealRules, AppealStatus, Stage
from .conftest import CONFIRMED, IN_WINDOW

pytestmark = pytest.mark.django_db


def raise_(
    personas,
    town,
    result,
    stage=Stage.OBJECTION,
    reason="第1.1项应为9分：材料已补交。",
    token="t1",
    user=None,
):
    return services.appeal_raise(
        actor=user or personas["cadre"],
        town=town,
        stage=stage,
        kind=monthly.KEY,
        subject_id=result.pk,
        reason=reason,
        token=token,
    )


def _rules(town, actor, **days):
    """The town's windows saved by `actor` from a fresh page: publication 7, answer 5, review 15 and
    decision 20 days, unless `days` says otherwise."""
    days = {"publication_days": 7, "answer_days": 5, "review_days": 15, "decision_days": 20, **days}
    return services.rules_save(actor=actor, town=town, based_on=1, **days)


def answer(personas, appeal, *, change=False, value="9", based_on=None, user=None, confirmed=True):
    indicator = Indicator.objects.get(scheme__town=appeal.town, code="1.1")
    return services.appeal_answer(
        actor=user or personas["assessment_office"],
        appeal=appeal,
        change=change,
        answer="经核实，材料属实。" if change else "经核实，评分无误。",
        based_on=appeal.version if based_on is None else based_on,
        data={"indicator": str(indicator.pk), "value": value},
        confirmed=confirmed,
    )


# --- Windows ------------------------------------------------------------------------------------------


def test_the_publication_window_is_five_working_days_from_publication(town, october):
    _period, wang, _li = october
    when = services.windows(monthly.subject_of(wang, town), services.rules_for(town))
    assert (when.published_on, when.objections_until) == (date(2026, 11, 2), date(2026, 11, 6))
    assert (when.confirmed_on, when.review_until) == (date(2026, 11, 7), date(2026, 12, 6))
    assert when.holidays_known


def test_the_window_skips_the_national_day_holidays_and_counts_the_make_up_saturday(town, october):
    _period, wang, _li = october
    type(wang.period).objects.filter(pk=wang.period_id).update(
        published_at=IN_WINDOW.replace(month=9, day=28)
    )
    wang.period.refresh_from_db()
    when = services.windows(monthly.subject_of(wang, town), services.rules_for(town))
    # 28, 29, 30 September; 1-7 October is the 2026 National Day holiday; Saturday 10 October is worked.
    assert when.objections_until == date(2026, 10, 9)


def test_the_town_sets_its_own_windows(town, personas, october):
    rules = _rules(town, personas["assessment_office"])
    _period, wang, _li = october
    when = services.windows(monthly.subject_of(wang, town), rules)
    assert when.objections_until == date(2026, 11, 10)
    assert when.review_until == date(2026, 11, 25)
    assert AuditEntry.objects.filter(action="appeal_rules.update").count() == 1


def test_a_stale_rules_page_is_refused(town, personas):
    _rules(town, personas["assessment_office"])
    with pytest.raises(DomainError, match="after you opened the page"):
        _rules(town, personas["assessment_office"], publication_days=3)
    assert AppealRules.objects.get(town=town).publication_days == 7


def test_only_the_assessment_office_sets_the_windows(town, personas):
    with pytest.raises(DomainError, match="not allowed"):
        _rules(town, personas["main_leader"])


# --- Objections -----------------------------------------------------------------------------------------


def test_a_cadre_objects_to_their_result_during_the_window_and_the_office_is_told(
    town, personas, october, in_window
):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    # Raised on Wednesday 4 November: answered within five working days after (5, 6, 9, 10, 11).
    assert (appeal.status, appeal.due_on, appeal.outcome_before) == (
        AppealStatus.OPEN,
        date(2026, 11, 11),
        "88.00",
    )
    assert appeal.subject_label == "Monthly result of 2026-10"
    entry = AuditEntry.objects.get(action="appeal.objection")
    assert entry.new["status"] == "open" and entry.note == appeal.reason
    message = Message.objects.get(recipient=personas["assessment_office"], kind="appeal.raised")
    assert "2026-11-11" in message.title and message.subject == appeal.subject


def test_an_objection_raised_on_the_windows_last_day_is_not_due_that_same_day(town, personas, october):
    _period, wang, _li = october
    with time_machine.travel(IN_WINDOW.replace(day=6, hour=16), tick=False):  # Friday, the last day
        appeal = raise_(personas, town, wang)
    # Five working days after Friday 6 November: 9, 10, 11, 12, 13 November.
    assert appeal.due_on == date(2026, 11, 13)


def test_the_town_sets_the_working_days_to_answer_an_objection_in(town, personas, october, in_window):
    _rules(
        town,
        personas["assessment_office"],
        publication_days=5,
        answer_days=2,
        review_days=30,
        decision_days=30,
    )
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    assert appeal.due_on == date(2026, 11, 6)  # Wednesday 4 November and two working days
    entry = AuditEntry.objects.get(action="appeal_rules.update")
    assert (entry.old["answer_days"], entry.new["answer_days"]) == (5, 2)


def test_the_working_days_to_answer_skip_the_public_holidays(town, personas, october):
    rules = AppealRules(town=town)
    # Raised on Wednesday 30 September 2026: 1-7 October is the National Day holiday, Saturday 10 October
    # is worked: 8, 9, 10, 12, 13 October.
    assert services.answer_due(rules, Stage.OBJECTION, date(2026, 9, 30)) == date(2026, 10, 13)


def test_an_objection_after_the_window_is_refused(town, personas, october, confirmed):
    _period, wang, _li = october
    with pytest.raises(DomainError, match="window ended on 2026-11-06: ask for a review"):
        raise_(personas, town, wang)
    assert not Appeal.objects.exists()


def test_a_cadre_cannot_object_to_a_colleagues_result(town, personas, october, in_window):
    _period, _wang, li = october
    with pytest.raises(DomainError, match="Only the cadre whose result it is"):
        raise_(personas, town, li)


def test_the_reason_is_required_and_limited(town, personas, october, in_window):
    _period, wang, _li = october
    with pytest.raises(DomainError, match="Give the reason"):
        raise_(personas, town, wang, reason="   ")
    with pytest.raises(DomainError, match="at most 1000 characters"):
        raise_(personas, town, wang, reason="长" * 1001)
    assert not Appeal.objects.exists()


def test_one_open_objection_per_result(town, personas, october, in_window):
    _period, wang, _li = october
    raise_(personas, town, wang, token="first")
    with pytest.raises(DomainError, match="waiting for its answer"):
        raise_(personas, town, wang, token="second")
    assert Appeal.objects.count() == 1


def test_a_replayed_form_is_refused_even_after_the_answer(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang, token="same")
    answer(personas, appeal)
    with pytest.raises(DomainError, match="already sent"):
        raise_(personas, town, wang, token="same")
    assert Appeal.objects.count() == 1


def test_a_result_of_another_town_is_not_found(town, other_town, personas, october, in_window):
    _period, wang, _li = october
    with pytest.raises(DomainError, match="not published in this town"):
        raise_(personas, other_town, wang)


def test_a_rejected_objection_keeps_the_result_and_the_cadre_reads_the_answer(
    town, personas, october, in_window
):
    _period, wang, _li = october
    appeal = answer(personas, raise_(personas, town, wang))
    assert (appeal.status, appeal.outcome_after) == (AppealStatus.REJECTED, "88.00")
    assert appeal.answered_by == personas["assessment_office"]
    assert not Correction.objects.exists()
    assert (
        Message.objects.get(recipient=personas["cadre"], kind="appeal.answered").body == "经核实，评分无误。"
    )
    assert not Message.objects.filter(kind="appeal.raised", done_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="appeal.answer")
    assert entry.old["status"] == "open" and entry.new["status"] == "rejected"


def test_an_upheld_objection_starts_the_months_correction(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = answer(personas, raise_(personas, town, wang), change=True, value="9")
    assert (appeal.status, appeal.outcome_after) == (AppealStatus.UPHELD, "94.00")
    correction = Correction.objects.get(status=CorrectionStatus.PENDING)
    assert appeal.reference == f"results.correction:{correction.pk}"
    assert ScoreCorrection.objects.get().value == Decimal(9)
    # Published means frozen: the result changes when the correction is published, not before.
    assert MonthlyResult.objects.get(pk=wang.pk).total == Decimal("88.00")


def test_an_answer_never_worsens_the_result(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    with pytest.raises(DomainError, match="82.00 would be worse than 88.00"):
        answer(personas, appeal, change=True, value="7")
    appeal.refresh_from_db()
    assert appeal.is_open
    assert not ScoreCorrection.objects.exists() and not Correction.objects.exists()


def test_the_answer_needs_its_confirmation_and_the_written_text(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    with pytest.raises(DomainError, match="Confirm first"):
        answer(personas, appeal, confirmed=False)
    with pytest.raises(DomainError, match="Write the answer"):
        services.appeal_answer(
            actor=personas["assessment_office"],
            appeal=appeal,
            change=False,
            answer=" ",
            based_on=1,
            confirmed=True,
        )


def test_an_answer_based_on_an_old_page_is_refused(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    with pytest.raises(DomainError, match="after you opened the page"):
        answer(personas, appeal, based_on=appeal.version + 5)


def test_whoever_answers_is_not_the_cadre_objecting(town, personas, october, in_window):
    _period, wang, _li = october
    RoleAssignment.objects.create(user=personas["cadre"], role=Role.ASSESSMENT_OFFICE, town=town)
    cadre = type(personas["cadre"]).objects.get(pk=personas["cadre"].pk)
    appeal = raise_(personas, town, wang, user=cadre)
    with pytest.raises(DomainError, match="your own"):
        answer(personas, appeal, user=cadre)


def test_only_the_assessment_office_answers(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    with pytest.raises(DomainError, match="not allowed"):
        answer(personas, appeal, user=personas["main_leader"])


def test_an_answered_objection_is_not_answered_again(town, personas, october, in_window):
    _period, wang, _li = october
    appeal = answer(personas, raise_(personas, town, wang))
    with pytest.raises(DomainError, match="already been answered"):
        answer(personas, appeal)


# --- Reviews ---------------------------------------------------------------------------------------------


def test_a_review_waits_for_the_confirmation(town, personas, october, in_window):
    _period, wang, _li = october
    with pytest.raises(DomainError, match="raise an objection instead"):
        raise_(personas, town, wang, stage=Stage.REVIEW)


def test_a_review_is_asked_for_after_confirmation_and_due_within_thirty_days(
    town, personas, october, confirmed
):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang, stage=Stage.REVIEW)
    assert appeal.due_on == date(2026, 12, 10)
    assert AuditEntry.objects.filter(action="appeal.review").exists()


def test_one_review_per_result(town, personas, october, confirmed):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang, stage=Stage.REVIEW, token="a")
    answer(personas, appeal)
    with pytest.raises(DomainError, match="already been asked for"):
        raise_(personas, town, wang, stage=Stage.REVIEW, token="b")


def test_a_review_after_its_window_is_refused(town, personas, october):
    _period, wang, _li = october
    with (
        time_machine.travel(CONFIRMED.replace(month=12, day=7), tick=False),
        pytest.raises(DomainError, match="until 2026-12-06"),
    ):
        raise_(personas, town, wang, stage=Stage.REVIEW)


def test_a_review_keeps_or_improves_never_worsens(town, personas, october, confirmed):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang, stage=Stage.REVIEW)
    with pytest.raises(DomainError, match="never worsens"):
        answer(personas, appeal, change=True, value="6")
    with pytest.raises(DomainError, match="already counts"):  # the correction path refuses it
        answer(personas, appeal, change=True, value="8")
    appeal = answer(personas, appeal, change=True, value="10")
    assert (appeal.status, appeal.outcome_before, appeal.outcome_after) == (
        AppealStatus.IMPROVED,
        "88.00",
        "100.00",
    )


def test_a_kept_review_says_so(town, personas, october, confirmed):
    _period, wang, _li = october
    appeal = answer(personas, raise_(personas, town, wang, stage=Stage.REVIEW))
    assert (appeal.status, appeal.outcome_after) == (AppealStatus.KEPT, "88.00")


# --- Reminders -------------------------------------------------------------------------------------------


def test_the_office_is_reminded_the_day_before_on_the_day_and_once_when_overdue(
    town, personas, october, in_window
):
    _period, wang, _li = october
    appeal = raise_(personas, town, wang)
    office = personas["assessment_office"]

    def run(day):
        return reminders.send_due(day, only=["appeals.answers_due"])[0]

    assert run(date(2026, 11, 9)).due == 0
    assert run(date(2026, 11, 10)).posted == 1
    assert run(date(2026, 11, 11)).posted == 1
    assert run(date(2026, 11, 13)).posted == 1
    assert run(date(2026, 11, 16)).posted == 0  # overdue is reminded once
    assert Message.objects.filter(recipient=office, kind="appeal.due").count() == 3
    answer(personas, appeal)
    assert run(date(2026, 11, 17)).due == 0


def test_a_review_waits_for_the_answer_to_an_open_objection(town, personas, october):
    _period, wang, _li = october
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = raise_(personas, town, wang, token="o")
    with time_machine.travel(CONFIRMED, tick=False):
        with pytest.raises(DomainError, match="ask for a review after it"):
            raise_(personas, town, wang, stage=Stage.REVIEW, token="r1")
        answer(personas, objection)  # answered late: still in writing, then the review may follow
        assert raise_(personas, town, wang, stage=Stage.REVIEW, token="r2").stage == Stage.REVIEW

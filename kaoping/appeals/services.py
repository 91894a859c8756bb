"""Objections (异议) and reviews (复核): raised by a cadre about their own result, answered in writing
by the assessment office, for any kind of subject registered in `subjects.py`.

- An objection is raised during the subject's publication window (公示期: `AppealRules.publication_days`
  working days from publication) and answered in writing within `AppealRules.answer_days` working days
  after the day it was raised (`due_on`; 5 by default, the field's practice): an objection raised on
  the window's last day is not due that same day. One objection is open per subject at a time.
  Upheld, the subject is improved through its kind's own path (a month: a corrected score in the
  month's pending correction).
- A review is asked for once per subject, after its confirmation and within `review_days`; the
  decision is due within `decision_days`, in writing, and keeps or improves the outcome, never worsens
  it (`engine.appeals.rule_on_review`, in the transaction that applied the change).

Every step is audited; whoever answers is neither the cadre it is about nor whoever raised it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, may_raise_appeal, require_duties_apart
from kaoping.audit.services import record
from kaoping.audit.versions import claim
from kaoping.core import subjects
from kaoping.core.errors import DomainError
from kaoping.core.reads import Read
from kaoping.core.text import control_problem
from kaoping.engine.appeals import Ruling, Worsening, rule_on_review
from kaoping.people.models import Town

from . import notices, workdays
from .models import REASON_MAX, Appeal, AppealRules, AppealStatus, Stage

# What sending an answer cannot undo, for a kind that says nothing of its own (`Kind.answer_note`):
# the monthly results, whose improvement waits in the month's correction.
ANSWER_CONSEQUENCE = gettext_lazy(
    "The written answer cannot be changed once sent: the cadre reads it. A change puts the corrected "
    "score into the month's pending correction (更正), which takes effect once someone else publishes "
    "it as a numbered correction."
)


def answer_consequence(kind: subjects.Kind | None) -> str:
    """What the answer form's confirmation says for a subject of `kind`."""
    return str(kind.answer_note if kind is not None and kind.answer_note else ANSWER_CONSEQUENCE)


RAISED_IT = gettext_lazy("raised it")


@dataclass(frozen=True)
class Windows:
    """A subject's dates under the town's rules."""

    published_on: date
    objections_until: date  # the publication window's last day: objections are raised until then
    confirmed_on: date | None  # the outcome stands from this day; None: not confirmed yet
    review_until: date | None  # the last day to ask for a review; None: not confirmed yet
    holidays_known: bool  # whether the public holidays of the window's year are known

    def objections_open(self, today: date) -> bool:
        return self.published_on <= today <= self.objections_until

    def review_open(self, today: date) -> bool:
        if self.confirmed_on is None or self.review_until is None:
            return False
        return self.confirmed_on <= today <= self.review_until

    def awaiting_confirmation(self, today: date) -> bool:
        """The window has passed and the kind's own confirmation has not come yet."""
        return self.confirmed_on is None and today > self.objections_until


# Read on every published month's breakdown page: a statement built once (core/reads.py).
_RULES = Read(AppealRules, "t.town_id = %s")


def rules_for(town: Town) -> AppealRules:
    """The town's rules, or the defaults (unsaved) when it has set none (one query)."""
    return _RULES.one(town.pk) or AppealRules(town=town)


def windows(subject: subjects.Subject, rules: AppealRules) -> Windows:
    until = workdays.window_end(subject.published_on, rules.publication_days)
    confirmed = subject.confirmed_on
    if confirmed is None and not subject.confirmed_apart:
        confirmed = until + timedelta(days=1)
    return Windows(
        published_on=subject.published_on,
        objections_until=until,
        confirmed_on=confirmed,
        review_until=None if confirmed is None else confirmed + timedelta(days=rules.review_days - 1),
        holidays_known=workdays.known(subject.published_on.year),
    )


def raise_problem(
    user: User, subject: subjects.Subject, stage: str, when: Windows, today: date, open_stages: set[str]
) -> str:
    """Why `user` may not raise an objection or a review (`stage`) about `subject` today; "" if they
    may. `open_stages`: the stages with an appeal about the subject already (open, or any review)."""
    if user.cadre_id != subject.cadre_id:
        return str(_("Only the cadre whose result it is may object to it or ask for its review."))
    if stage == Stage.OBJECTION:
        if today > when.objections_until and when.confirmed_on is None:
            return str(
                _("The publication window ended on %(day)s: a review can be asked for once it is confirmed.")
                % {"day": f"{when.objections_until:%Y-%m-%d}"}
            )
        if today > when.objections_until:
            return str(
                _("The publication window ended on %(day)s: ask for a review instead.")
                % {"day": f"{when.objections_until:%Y-%m-%d}"}
            )
        if Stage.OBJECTION in open_stages:
            return str(_("Your objection to this result is waiting for its answer: one at a time."))
        return ""
    if when.confirmed_on is None or when.review_until is None:
        if today <= when.objections_until:
            return str(
                _("The result is in its publication window until %(day)s: raise an objection instead.")
                % {"day": f"{when.objections_until:%Y-%m-%d}"}
            )
        return str(_("The result is not confirmed yet: a review can be asked for once it is confirmed."))
    if today < when.confirmed_on:
        return str(
            _("The result is in its publication window until %(day)s: raise an objection instead.")
            % {"day": f"{when.objections_until:%Y-%m-%d}"}
        )
    if today > when.review_until:
        return str(_("A review could be asked for until %(day)s.") % {"day": f"{when.review_until:%Y-%m-%d}"})
    if Stage.REVIEW in open_stages:
        return str(_("A review of this result has already been asked for."))
    if Stage.OBJECTION in open_stages:
        return str(_("Your objection to this result is waiting for its answer: ask for a review after it."))
    return ""


def answer_due(rules: AppealRules, stage: str, raised_on: date) -> date:
    """When the answer to an objection or review raised on `raised_on` is due: an objection within the
    town's `answer_days` working days after that day, a review within `decision_days` days."""
    if stage == Stage.OBJECTION:
        return workdays.after(raised_on, rules.answer_days)
    return raised_on + timedelta(days=rules.decision_days)


def taken_stages(kind: str, subject_id: int) -> set[str]:
    """The stages the subject can no longer be raised in now: an objection waiting for its answer,
    a review asked for at any time (one query)."""
    taken = Appeal.objects.filter(kind=kind, subject_id=subject_id).values_list("stage", "status")
    return {s for s, status in taken if status == AppealStatus.OPEN or s == Stage.REVIEW}


def _text(value: str, *, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(empty)
    if len(value) > REASON_MAX:
        raise DomainError(_("The text is too long (at most %(max)d characters).") % {"max": REASON_MAX})
    if problem := control_problem(value, multiline=True):
        raise DomainError(problem)
    return value


@transaction.atomic
def appeal_raise(
    *, actor: User, town: Town, stage: str, kind: str, subject_id: int, reason: str, token: str
) -> Appeal:
    """Raise an objection (during the publication window) or ask for a review (after confirmation,
    within the review window) about one's own result, with the reason.

    `token` is the form's one-time key: a form sent twice (a replay, a double click) is refused.
    """
    if stage not in Stage.values:
        raise DomainError(_("Choose an objection or a review."))
    subject = subjects.subject(town, kind, subject_id)
    if subject is None:
        raise DomainError(_("This result cannot be objected to: it is not published in this town."))
    if not may_raise_appeal(actor, town, cadre_id=subject.cadre_id):
        raise DomainError(_("Only the cadre whose result it is may object to it or ask for its review."))
    reason = _text(reason, empty=str(_("Give the reason.")))
    token = (token or "").strip()
    if not token or len(token) > 40:
        raise DomainError(_("The form is incomplete: open it again."))
    if Appeal.objects.filter(token=token).exists():
        raise DomainError(_("This form was already sent: your objection or review is recorded once."))
    rules = rules_for(town)
    when = windows(subject, rules)
    today = timezone.localdate()
    if problem := raise_problem(actor, subject, stage, when, today, taken_stages(kind, subject.id)):
        raise DomainError(problem)
    due = answer_due(rules, stage, today)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                town=town,
                stage=stage,
                kind=kind,
                subject_id=subject.id,
                subject_label=subject.label[:200],
                cadre_id=subject.cadre_id,
                reason=reason,
                raised_by=actor,
                due_on=due,
                outcome_before=subject.outcome_label[:100],
                token=token,
            )
    except IntegrityError:
        # Two posts at once: the constraints keep one open objection, one review and one use of a token.
        raise DomainError(
            _("This form was already sent: your objection or review is recorded once.")
        ) from None
    record(
        actor=actor,
        action=f"appeal.{stage}",
        target=appeal,
        town=town,
        new={"status": appeal.status, "subject": appeal.subject_label, "due_on": str(due)},
        note=reason,
    )
    notices.raised(appeal)
    return appeal


@transaction.atomic
def appeal_answer(
    *,
    actor: User,
    appeal: Appeal,
    change: bool,
    answer: str,
    based_on: int | None,
    data: Mapping[str, str] | None = None,
    confirmed: bool = False,
) -> Appeal:
    """Answer an objection (upheld or rejected) or decide a review (improved or kept), in writing.

    `change=True` improves the subject through its kind (`subjects.Kind.improve`, with the answer
    form's `data`) and is held to `rule_on_review`: a result that would be worse, or the same, is
    refused and the change undone. Needs the version the answer was based on and `confirmed=True`.
    """
    appeal = Appeal.objects.select_for_update().select_related("town").get(pk=appeal.pk)
    town = appeal.town
    if not can(actor, Action.ANSWER_APPEALS, town):
        raise DomainError(_("You are not allowed to do this."))
    if not appeal.is_open:
        raise DomainError(_("This has already been answered."))
    if actor.cadre_id is not None and actor.cadre_id == appeal.cadre_id:
        raise DomainError(_("The result is your own: someone else answers."))
    require_duties_apart(actor, appeal.raised_by_id, first_step=str(RAISED_IT))
    answer = _text(answer, empty=str(_("Write the answer: it is given in writing.")))
    kind = subjects.kind(appeal.kind)
    if not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": answer_consequence(kind)})
    subject = kind.load(town, [appeal.subject_id]).get(appeal.subject_id) if kind else None
    if kind is None or subject is None:
        raise DomainError(_("The result this is about can no longer be found."))
    claim(appeal, based_on)
    changes, keeps = AppealStatus.answers(appeal.stage)
    if change:
        improvement = kind.improve(actor=actor, subject=subject, data=data or {}, reason=answer)
        try:
            ruling = rule_on_review(subject.outcome, improvement.outcome, worst_to_best=kind.worst_to_best)
        except Worsening:
            raise DomainError(
                _("%(new)s would be worse than %(old)s: an answer never worsens the result.")
                % {"new": improvement.outcome_label, "old": subject.outcome_label}
            ) from None
        if ruling is Ruling.KEEP:
            raise DomainError(_("This leaves the result as it is: answer that it is kept instead."))
        appeal.status, appeal.outcome_after = changes, improvement.outcome_label[:100]
        appeal.reference, appeal.reference_url = improvement.reference, improvement.reference_url
    else:
        appeal.status, appeal.outcome_after = keeps, subject.outcome_label[:100]
    appeal.answer, appeal.answered_by, appeal.answered_at = answer, actor, timezone.now()
    appeal.save()
    record(
        actor=actor,
        action="appeal.answer",
        target=appeal,
        town=town,
        old={"status": AppealStatus.OPEN, "outcome": appeal.outcome_before},
        new={"status": appeal.status, "outcome": appeal.outcome_after, "reference": appeal.reference},
        note=answer,
    )
    notices.answered(appeal)
    return appeal


@transaction.atomic
def rules_save(
    *,
    actor: User,
    town: Town,
    publication_days: int,
    answer_days: int,
    review_days: int,
    decision_days: int,
    based_on: int | None,
) -> AppealRules:
    """Set the town's publication window and the time an objection is answered in (working days), the
    review window and the decision time (days). A new time to answer applies to objections raised
    from then on: those already raised keep the day they were told."""
    if not can(actor, Action.MANAGE_APPEAL_RULES, town):
        raise DomainError(_("You are not allowed to do this."))
    for value, low, high in (
        (publication_days, 1, 30),
        (answer_days, 1, 30),
        (review_days, 1, 365),
        (decision_days, 1, 365),
    ):
        if not low <= value <= high:
            raise DomainError(
                _("Each number of days is between %(low)d and %(high)d.") % {"low": low, "high": high}
            )
    rules, _created = AppealRules.objects.get_or_create(town=town)
    old = {
        "publication_days": rules.publication_days,
        "answer_days": rules.answer_days,
        "review_days": rules.review_days,
        "decision_days": rules.decision_days,
    }
    claim(rules, based_on)
    rules.publication_days, rules.answer_days, rules.review_days, rules.decision_days = (
        publication_days,
        answer_days,
        review_days,
        decision_days,
    )
    rules.save()
    new = {
        "publication_days": publication_days,
        "answer_days": answer_days,
        "review_days": review_days,
        "decision_days": decision_days,
    }
    record(actor=actor, action="appeal_rules.update", target=rules, town=town, old=old, new=new)
    return rules

"""Objections during a publication window (异议) and reviews of a confirmed outcome (复核), for any
kind of subject registered in `subjects.py` (a monthly result, later an annual grade)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Cadre, Town

REASON_MAX = 1000  # characters of a reason or an answer


class AppealRules(models.Model):
    """A town's windows: the publication window and the time an objection is answered in, in working
    days, the statutory review window and the time a review decision is due, in calendar days. A town
    without a row has the defaults."""

    town = models.OneToOneField(Town, on_delete=models.CASCADE, related_name="appeal_rules")
    publication_days = models.PositiveSmallIntegerField(
        _("publication window (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer an objection"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    review_days = models.PositiveSmallIntegerField(
        _("days to ask for a review after confirmation"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days within which a review is decided"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("objection and review rules")
        verbose_name_plural = _("objection and review rules")

    def __str__(self) -> str:
        return (
            f"{self.town}: {self.publication_days} / {self.answer_days} / {self.review_days} / "
            f"{self.decision_days}"
        )


class Stage(models.TextChoices):
    OBJECTION = "objection", _("Objection")
    REVIEW = "review", _("Statutory review")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
    KEPT = "kept", _("Kept")
    IMPROVED = "improved", _("Improved")

    @classmethod
    def answers(cls, stage: str) -> tuple["AppealStatus", "AppealStatus"]:
        """The two answers of a stage: (the one that changes the outcome, the one that keeps it)."""
        return (cls.UPHELD, cls.REJECTED) if stage == Stage.OBJECTION else (cls.IMPROVED, cls.KEPT)


class Appeal(models.Model):
    """One objection or review of a cadre about one subject (`kind`, `subject_id`).

    The subject's label and outcome are kept as they were when it was raised (`subject_label`,
    `outcome_before`), and the outcome it led to (`outcome_after`), so that lists and the dossier
    read this row alone. `token` is the form's one-time key: a replayed post is refused.
    """

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage)
    kind = models.CharField(max_length=40)  # a registered subject kind, e.g. "results.month"
    subject_id = models.PositiveIntegerField()
    subject_label = models.CharField(_("subject"), max_length=200)
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    due_on = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus, default=AppealStatus.OPEN)
    outcome_before = models.CharField(_("outcome before"), max_length=100)
    outcome_after = models.CharField(_("outcome after"), max_length=100, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Where the change it led to is recorded ("results.correction:12"), and its page.
    reference = models.CharField(max_length=100, blank=True)
    reference_url = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=40, unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("objection or review")
        verbose_name_plural = _("objections and reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "kind", "subject_id"],
                condition=Q(status="open"),
                name="appeal_one_open_per_subject",
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_id"],
                condition=Q(stage="review"),
                name="appeal_one_review_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(stage="objection", status__in=["open", "upheld", "rejected"])
                | Q(stage="review", status__in=["open", "kept", "improved"]),
                name="appeal_status_of_its_stage",
            ),
        ]
        indexes = [models.Index(fields=["town", "status", "due_on"], name="appeal_town_open_due")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.subject_label}"

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN

    @property
    def subject(self) -> str:
        """The inbox's subject of this appeal's messages."""
        return f"appeals.appeal:{self.pk}"

    # What became of the change the answer led to, where someone else decides it (the month's
    # correction): set by `selectors.with_follow_ups`, None otherwise.
    follow_up = None

    @property
    def status_text(self) -> str:
        """The status in words, followed by what became of the change it led to, if known."""
        status = str(self.get_status_display())
        if self.follow_up is None:
            return status
        return _("%(status)s — %(follow_up)s") % {"status": status, "follow_up": self.follow_up}

"""The stored results of a month and their corrections: what the results app computes and publishes.

These models lived in the scoring app until the layers of issue 10; their tables keep their names
(`Meta.db_table`), so the rows stored before the move are the same rows (migration
`results.0001_results_from_scoring` moved them in the state only).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.core.fields import StoredDecimalField
from kaoping.indicators.models import Indicator, Scheme
from kaoping.people.models import Cadre, Town
from kaoping.scoring.models import Period, ScoreSheet


class ResultBasis(models.Model):
    """What a month's results of one scheme were computed from, stored once with them: the scheme
    as in force (indicators with names, rules and weights; scale, democratic share, caps) and the
    peers' best values. A cadre's breakdown lines are explained again from it (`basis.explain`)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="bases")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    basis = models.JSONField()

    class Meta:
        db_table = "scoring_resultbasis"  # the table it had in the scoring app: its rows stay
        constraints = [
            models.UniqueConstraint(fields=["period", "scheme"], name="basis_one_per_scheme_month")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period}"


class MonthlyResult(models.Model):
    """A cadre's computed result for a month, with what explains every point.

    `breakdown` holds the cadre's own part: their raw values in the order of the month's
    `ResultBasis`, bonus, deduction and supervision lines, the totals, vetoes and notes.
    `digest` identifies the computed content, so that an unchanged row is recognised without
    reading its breakdown.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="results")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="monthly_results")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    performance = models.DecimalField(max_digits=8, decimal_places=4)
    bonus = models.DecimalField(max_digits=8, decimal_places=4)
    deduction = models.DecimalField(max_digits=8, decimal_places=4)
    democratic = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank in population"))
    group_rank = models.PositiveIntegerField(
        _("rank in category or among village heads"), null=True, blank=True
    )
    group = models.CharField(max_length=32, blank=True)  # the pool group_rank is within
    grade_capped = models.BooleanField(default=False)
    breakdown = models.JSONField()
    # A hash of everything above that a recompute computes but the ranks (`results.digest`): a
    # recompute compares it and the two ranks instead of reading and decoding every stored
    # breakdown. Empty: not known (compared in full).
    digest = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        db_table = "scoring_monthlyresult"  # the table it had in the scoring app: its rows stay
        ordering = ["rank"]
        verbose_name = _("monthly result")
        verbose_name_plural = _("monthly results")
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="result_one_per_cadre_month")]
        indexes = [models.Index(fields=["cadre", "period"], name="result_cadre_period")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.period}: {self.total}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class Correction(models.Model):
    """A change to a published month's results (更正), proposed by a later input and decided by hand.

    A published month is frozen: an input that would change it (an evaluation round closed for its
    quarter, a supervision item verified in it, a bonus that moves its year caps) leaves its stored
    rows as they are and refreshes the month's one pending correction instead. `changes` lists each
    affected cadre's old and new total and ranks as shown to the office; `proposed` holds exactly the
    rows and bases that publishing writes (in place: the rows keep their ids). A published correction
    gets the next number of its town and year (更正 第N号) and stays as the record of the old values.
    """

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="corrections")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CorrectionStatus, default=CorrectionStatus.PENDING
    )
    causes = models.JSONField(default=list)  # what changed the month's inputs, oldest first
    changes = models.JSONField(default=list)  # per cadre: name, old and new total and ranks
    proposed = models.JSONField(default=dict)  # {"rows": [...], "bases": [...], "removed": [...]}
    # The last user whose action refreshed the proposal: they do not decide it (duties apart).
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised at every refresh: a decision based on an older proposal is refused.
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        db_table = "scoring_correction"  # the table it had in the scoring app: its rows stay
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status="pending"),
                name="correction_one_pending_per_month",
            ),
            models.UniqueConstraint(
                fields=["town", "year", "number"],
                condition=Q(number__isnull=False),
                name="correction_number_per_town_year",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return str(
                _("Correction No. %(number)d of %(year)d") % {"number": self.number, "year": self.year}
            )
        if self.status == CorrectionStatus.DECLINED:
            return str(_("Declined correction of %(month)s") % {"month": self.period})
        return str(_("Pending correction of %(month)s") % {"month": self.period})


class ScoreCorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined")


class ScoreCorrection(models.Model):
    """A changed value proposed for one cell of a published month, with the reason: an input of the
    month's pending correction. The published score stays until that correction is published (then
    the cell takes the value: applied) or declined (declined)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="score_corrections")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    old_value = StoredDecimalField(_("published value"), max_digits=12, decimal_places=2)
    value = StoredDecimalField(_("corrected value"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=ScoreCorrectionStatus, default=ScoreCorrectionStatus.PENDING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "scoring_scorecorrection"  # the table it had in the scoring app: its rows stay
        ordering = ["created_at"]
        verbose_name = _("score correction")
        verbose_name_plural = _("score corrections")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="score_correction_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.indicator.code}: {self.old_value} → {self.value}"

"""Monthly scoring: the month (period), score sheets with their entries, bonus and deduction
adjustments shared among cadres, and the stored results and ranks computed from them.

Results are stored, not computed on page views: `services.period_recompute` rebuilds a month's
results whenever its inputs change, and doing so twice gives the same rows (idempotent).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.core.fields import StoredDecimalField
from kaoping.indicators.models import AdjustmentKind, AdjustmentReason, Indicator, Scheme
from kaoping.people.models import Cadre, Town


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class Period(models.Model):
    """A town's month of assessment (月度考评)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="periods")
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=12, choices=PeriodStatus, default=PeriodStatus.OPEN)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    # The audit log's head when the month was published, "count:hash" (`kaoping verifyaudit` checks
    # that the log still holds that entry at that position).
    audit_anchor = models.CharField(_("audit log anchor"), max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month")
        verbose_name_plural = _("months")
        constraints = [
            models.UniqueConstraint(fields=["town", "month"], name="period_one_per_town_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="period_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class ScoreSheet(models.Model):
    """One assessment group's score grid for one month: the cadres of a population × its indicators."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="sheets")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(_("status"), max_length=12, choices=SheetStatus, default=SheetStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Raised by one on every save that changes a cell; a changed cell takes the new number as its
    # `ScoreEntry.version`. `cleared_revision` is the last revision that cleared a cell: an Excel file
    # downloaded before it may hold values cleared since (see `services.entries_save`).
    revision = models.PositiveIntegerField(default=0)
    cleared_revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["period", "scheme"], name="sheet_one_per_scheme_month")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period}"


class ScoreEntry(models.Model):
    """One raw value: a cadre's score on one indicator in one month, with its evidence note.

    `limit` copies the indicator's maximum for the rules whose raw value is a score (manual,
    pass/fail, veto), so that the database itself refuses a score above the maximum.
    """

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="score_entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entries")
    # Read back even past its digits, as SQLite may hold it: such a value is shown as refused, and cleared.
    value = StoredDecimalField(_("value"), max_digits=12, decimal_places=2)
    limit = StoredDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("evidence"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # The sheet's revision at the cell's last change: a save based on an older version of the cell
    # is refused instead of overwriting a change it never saw. The database default serves raw inserts.
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "cadre", "indicator"], name="entry_one_per_cell"),
            models.CheckConstraint(condition=Q(value__gte=0), name="entry_not_negative"),
            models.CheckConstraint(
                condition=Q(limit__isnull=True) | Q(value__lte=models.F("limit")), name="entry_within_maximum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.indicator.code} = {self.value}"


class ExcuseReason(models.TextChoices):
    LEAVE = "leave", _("On leave")
    NEW_IN_POST = "new_in_post", _("New in post")
    SECONDED = "seconded", _("Seconded elsewhere")
    OTHER = "other", _("Other reason")


class Excusal(models.Model):
    """A cadre not scored in a month, with the reason (leave, new in post …), recorded on the sheet.

    An empty cell is never a zero: a sheet with empty cells cannot be submitted unless their cadre is
    excused. An excused cadre has no scores on the sheet and gets no result for the month: they are
    left out of the month's ranking, and their breakdown and the grid say why.
    """

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="excusals")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="excusals")
    reason = models.CharField(_("reason"), max_length=16, choices=ExcuseReason)
    note = models.CharField(_("details"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cadre not scored this month")
        verbose_name_plural = _("cadres not scored this month")
        constraints = [models.UniqueConstraint(fields=["sheet", "cadre"], name="excusal_one_per_cadre_sheet")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_reason_display()}"

    @property
    def label(self) -> str:
        """The reason as shown: "On leave", or "Other reason: seconded to the county"."""
        reason = self.get_reason_display()
        return f"{reason}: {self.note}" if self.note else str(reason)


class AdjustmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Adjustment(models.Model):
    """One bonus or deduction incident; its points are shared among one or more cadres (一岗双责)."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="adjustments")
    reason = models.ForeignKey(AdjustmentReason, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=12, choices=AdjustmentKind)
    title = models.CharField(_("what happened"), max_length=200)
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AdjustmentStatus, default=AdjustmentStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")

    def __str__(self) -> str:
        return self.title


class AdjustmentShare(models.Model):
    """One cadre's share of an adjustment, in points (entered as a positive number)."""

    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="shares")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="adjustment_shares")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "cadre"], name="share_one_per_cadre"),
            models.CheckConstraint(condition=Q(points__gt=0), name="share_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.points}"

"""Monthly achievement records (月度干部落实力纪实).

Each leader in charge (分管领导, a leadership member) has an area: departments and villages, each
assigned from a date (`LeaderArea`). Every month the leader fills one record per cadre of the area
(who is in the area follows that month's roster) under five headings; each heading is answered with
text (and optional attachments) or explicitly as "nothing notable". The record is saved as a draft,
then submitted (locked; late when after the town's deadline); the Party-building office may return it
with a reason, and the leader edits and submits again. The secretary's office meeting (书记办公会)
reviews the month: its decision per cadre (noted, commended, exemplary 典型 with a citation) is a
`Decision`, and the month is then archived (`RecordMonth`): nothing of it changes afterwards.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Cadre, Department, Town, Village


class Heading(models.TextChoices):
    """The five headings of a record, in the order of the article."""

    POST_DUTIES = "post_duties", _("Post duties (岗位工作)")
    KEY_TASKS = "key_tasks", _("Key tasks (重点工作)")
    HARD_PROBLEMS = "hard_problems", _("Hard problems solved (破解难题)")
    MOVING_UP = "moving_up", _("Moving up the rankings (争先进位)")
    URGENT_TASKS = "urgent_tasks", _("Urgent tasks from above (完成上级临时交办重点工作)")


class RecordSettings(models.Model):
    """A town's deadline for the monthly records."""

    town = models.OneToOneField(Town, on_delete=models.PROTECT, related_name="record_settings")
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline: day of the month"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Records of a month are due on this day of the same month (1 to 28)."),
    )
    weekend_moves_to_monday = models.BooleanField(
        _("a deadline on a Saturday or Sunday moves to the next Monday"), default=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("record settings")
        verbose_name_plural = _("record settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_day__gte=1, deadline_day__lte=28), name="record_deadline_day_in_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.deadline_day}"


class LeaderArea(models.Model):
    """One department or village in the charge of a leader (分管领导), from a date (until a date)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="leader_areas")
    leader = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="areas_led", verbose_name=_("leader in charge")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["leader", "starts_on", "id"]
        verbose_name = _("area in charge")
        verbose_name_plural = _("areas in charge")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(village__isnull=True))
                | (Q(department__isnull=True) & Q(village__isnull=False)),
                name="leader_area_department_or_village",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="leader_area_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(ends_on__isnull=True),
                name="leader_area_one_open_per_department",
            ),
            models.UniqueConstraint(
                fields=["village"], condition=Q(ends_on__isnull=True), name="leader_area_one_open_per_village"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.unit}"

    @property
    def unit(self) -> Department | Village | None:
        return self.department or self.village


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")


class MonthRecord(models.Model):
    """A cadre's record of one month, filled by the leader in charge of their area in that month."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="month_records")
    month = models.DateField(_("month"))  # its first day
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="month_records")
    leader = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="records_filled")
    status = models.CharField(_("status"), max_length=12, choices=RecordStatus, default=RecordStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["month", "cadre_id"]
        verbose_name = _("monthly record")
        verbose_name_plural = _("monthly records")
        indexes = [models.Index(fields=["town", "month"], name="month_record_town_month")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "month"], name="month_record_one_per_cadre_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_record_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(status=RecordStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="month_record_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.month:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status == RecordStatus.SUBMITTED


class Entry(models.Model):
    """A record's answer under one heading: text, or "nothing notable" (无突出事项)."""

    record = models.ForeignKey(MonthRecord, on_delete=models.CASCADE, related_name="entries")
    heading = models.CharField(_("heading"), max_length=16, choices=Heading)
    nothing_notable = models.BooleanField(_("nothing notable"), default=False)
    text = models.TextField(_("what was achieved"), blank=True)

    class Meta:
        ordering = ["record", "id"]
        verbose_name = _("record entry")
        verbose_name_plural = _("record entries")
        constraints = [
            models.UniqueConstraint(fields=["record", "heading"], name="record_entry_one_per_heading"),
            models.CheckConstraint(
                condition=(Q(nothing_notable=True) & Q(text="")) | (Q(nothing_notable=False) & ~Q(text="")),
                name="record_entry_text_or_nothing_notable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.heading}"


class RecordMonth(models.Model):
    """A town's month of records once reviewed: the meeting's date, and the archive that freezes it."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="record_months")
    month = models.DateField(_("month"))
    meeting_on = models.DateField(_("secretary's office meeting on"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month of records")
        verbose_name_plural = _("months of records")
        constraints = [
            models.UniqueConstraint(fields=["town", "month"], name="record_month_one_per_town_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="record_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.month:%Y-%m}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class DecisionKind(models.TextChoices):
    NOTED = "noted", _("Noted")
    COMMENDED = "commended", _("Commended")
    EXEMPLARY = "exemplary", _("Exemplary case (典型)")


class Decision(models.Model):
    """What the secretary's office meeting decided on one cadre's record of the month."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="record_decisions")
    record = models.OneToOneField(MonthRecord, on_delete=models.PROTECT, related_name="decision")
    kind = models.CharField(_("decision"), max_length=12, choices=DecisionKind)
    citation = models.TextField(_("citation"), blank=True)
    decided_on = models.DateField(_("meeting date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "id"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.EXEMPLARY) | ~Q(citation=""),
                name="record_decision_exemplary_has_citation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.kind}"

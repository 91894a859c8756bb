"""The quarterly site-visit and report meeting (季度观摩述职评比), its lagging list (后进名单), the
statements made at it (后进表态发言) and the rectifications that follow (整改).

A meeting's parts are text: site-visit notes, reports (述职) and comments (点评), statements and
rectification plans are typed; site visits carry photos, reports a report file (or typed text),
statements and progress notes an attachment (the files app, owner types in `selectors.py`). Closing
the meeting's record (纪要定稿) freezes its site visits, reports, comments and statements.

The lagging list is computed from the published monthly results by the town's `LaggingRule`s (the
pure rule is `kaoping/engine/lagging.py`); a finalised list keeps the reasons it was computed with
(`LaggingEntry.basis`), whatever changes later.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.core.limits import SORT_ORDER_VALIDATORS
from kaoping.evaluation.models import Round
from kaoping.people.models import Cadre, Population, Town

# The pool a rule ranks within: the whole population, an agency category, or the village heads (the
# values of `MonthlyResult.group`).
WHOLE_POPULATION = ""
VILLAGE_HEADS = "village_head"
BOTTOM_MAX = 50
MONTHS_MAX = 12


class Missing(models.TextChoices):
    """What a month without a result means for a cadre (the values of `engine.lagging.Missing`)."""

    NOT_BOTTOM = "not_bottom", _("Counts as not in the bottom: the cadre is not listed, and is named apart")
    SKIP = "skip", _("Is skipped: the cadre is listed if in the bottom in every other month")


class LaggingRule(models.Model):
    """Who goes on the quarter's lagging list: the bottom K of a population (or pool) in each of N
    consecutive months, or in the quarter's last published month."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="lagging_rules")
    population = models.CharField(_("population"), max_length=16, choices=Population)
    pool = models.CharField(_("ranked within"), max_length=32, blank=True)
    bottom = models.PositiveSmallIntegerField(
        _("bottom places"), validators=[MinValueValidator(1), MaxValueValidator(BOTTOM_MAX)]
    )
    consecutive = models.BooleanField(
        _("in each of consecutive months"),
        default=False,
        help_text=_("Otherwise: in the quarter's last published month."),
    )
    months = models.PositiveSmallIntegerField(
        _("consecutive months"), default=2, validators=[MinValueValidator(1), MaxValueValidator(MONTHS_MAX)]
    )
    missing = models.CharField(
        _("a month without a result"), max_length=16, choices=Missing, default=Missing.NOT_BOTTOM
    )
    active = models.BooleanField(_("in force"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0, validators=SORT_ORDER_VALIDATORS)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("lagging rule")
        verbose_name_plural = _("lagging rules")
        constraints = [
            models.UniqueConstraint(fields=["town", "population", "pool"], name="lagging_rule_one_per_pool"),
            models.CheckConstraint(
                condition=models.Q(bottom__gte=1, months__gte=1), name="lagging_rule_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_population_display()} {self.pool} {self.bottom}"

    @property
    def months_looked_at(self) -> int:
        return self.months if self.consecutive else 1


class Meeting(models.Model):
    """A quarter's site-visit and report meeting."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="quarterly_meetings")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    evaluation_round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("democratic-evaluation round"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The record (纪要) closed: its site visits, reports, comments and statements no longer change.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarterly meeting")
        verbose_name_plural = _("quarterly meetings")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "quarter"], name="meeting_one_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="meeting_quarter"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class VisitKind(models.TextChoices):
    PROJECT = "project", _("Project site")
    VILLAGE = "village", _("Village")
    FORUM = "forum", _("Forum")


class SiteVisit(models.Model):
    """One stop of the meeting's site visits (开工项目、乡村振兴示范点、“鸿雁领航”论坛)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind)
    name = models.CharField(_("project or village"), max_length=100)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0, validators=SORT_ORDER_VALIDATORS)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return str(self.name)


class Report(models.Model):
    """A department head's report (述职) at the meeting and the leader's comment (点评) on it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporter"))
    # Typed, or blank when the report is an attached file (the service asks for one or the other).
    text = models.TextField(_("report"), max_length=20000, blank=True)
    comment_by = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commented by"),
    )
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0, validators=SORT_ORDER_VALIDATORS)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "cadre"], name="report_one_per_cadre")]

    def __str__(self) -> str:
        return str(self.cadre)


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class LaggingList(models.Model):
    """The quarter's lagging list; `rules` keeps the rules in words as they were when it was computed,
    `notes` the months looked at, overflows and cadres named apart."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="lagging_list")
    status = models.CharField(_("status"), max_length=8, choices=ListStatus, default=ListStatus.DRAFT)
    rules = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return str(self.meeting)


class EntrySource(models.TextChoices):
    RULE = "rule", _("By the rule")
    ADDED = "added", _("Added by the office")


class LaggingEntry(models.Model):
    """A cadre on the list, why (`basis`: the rule and each month's rank and total), and an exemption."""

    lagging_list = models.ForeignKey(LaggingList, on_delete=models.CASCADE, related_name="entries")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="lagging_entries")
    source = models.CharField(max_length=8, choices=EntrySource, default=EntrySource.RULE)
    rule = models.JSONField(default=dict)  # the rule that listed them, as it was (rules.snapshot)
    basis = models.JSONField(default=list)  # [{"month", "rank", "of", "total", "note"}]
    reason = models.TextField(_("reason for adding"), max_length=2000, blank=True)
    exempt = models.BooleanField(default=False)
    exempt_reason = models.TextField(_("reason for the exemption"), max_length=2000, blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lagging_list", "cadre"], name="lagging_entry_one_per_cadre"),
            models.CheckConstraint(
                condition=~models.Q(source="added") | ~models.Q(reason=""), name="lagging_entry_added_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(exempt=False) | ~models.Q(exempt_reason=""),
                name="lagging_entry_exempt_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.cadre)


class Statement(models.Model):
    """A listed cadre's statement of commitment to improve (后进表态发言) at the meeting."""

    entry = models.OneToOneField(LaggingEntry, on_delete=models.PROTECT, related_name="statement")
    made_on = models.DateField(_("date"))
    # Typed, or blank when the statement is an attached file (the service asks for one or the other).
    text = models.TextField(_("statement"), max_length=20000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.entry)


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")  # 整改完成
    NOT_COMPLETED = "not_completed", _("Not completed")  # 未完成


class Rectification(models.Model):
    """A listed cadre's rectification plan, its progress and the group leader's closing review."""

    entry = models.OneToOneField(LaggingEntry, on_delete=models.PROTECT, related_name="rectification")
    measures = models.TextField(_("measures"), max_length=20000)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=RectificationStatus, default=RectificationStatus.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review = models.TextField(_("review"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return str(self.entry)


class ProgressNote(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="progress")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["written_on", "pk"]

    def __str__(self) -> str:
        return str(self.rectification)

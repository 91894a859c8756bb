"""The annual comprehensive evaluation (年度综合评价): the year's settings, each cadre's annual score and
grade, the vetoes and undetermined cases, and the proposal of each pool.

A grade is stored as a level (0 优秀 … 3 不称职/不合格, `engine.grading`) with the scale that names it
(the cadre's personnel type, else the population and category of their pool of that year,
`scores.pool_scale`), so that one pool can hold civil servants and public-institution staff and
be counted against one quota.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaoping.engine import grading
from kaoping.people.models import Cadre, Town, Village

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
SHARE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(grading.MAX_SHARE)]
QUOTA_VALIDATORS = [MinValueValidator(0), MaxValueValidator(999)]


class Formula(models.TextChoices):
    """How a cadre's annual score is made from the year's published months."""

    MEAN_OF_MONTHS = "mean_of_months", _("Mean of the published monthly totals")


class CollectiveMethod(models.TextChoices):
    """How a village collective (an assessed unit) is scored for the advanced-collective honour."""

    CADRES_MEAN = "cadres_mean", _("Mean of the annual scores of its village cadres")
    HEAD_SCORE = "head_score", _("The annual score of its village head")
    OWN_SCORE = "own_score", _("Its own annual assessment, entered by the office")


class Grade(models.TextChoices):
    """Every grade word of both scales (the level of each is `engine.grading.level_of`)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (称职)")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("Incompetent (不称职)")
    QUALIFIED = "qualified", _("Qualified (合格)")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified (基本合格)")
    UNQUALIFIED = "unqualified", _("Unqualified (不合格)")


def grade_label(scale: str, level: int | None) -> str:
    """The grade of a level on a scale, in words; "" for no grade."""
    if level is None:
        return ""
    return str(Grade(grading.grade_code(scale or grading.OTHER, level)).label)


class CaseKind(models.TextChoices):
    VETO = "veto", _("Veto (一票否决)")
    UNDETERMINED = "undetermined", _("Grade not determined (不确定等次)")


class UndeterminedReason(models.TextChoices):
    """The fixed list of reasons for not determining a grade this year."""

    PROBATION = "probation", _("Probation year (试用期)")
    INVESTIGATION = "investigation", _("Open investigation (立案审查调查)")
    DISCIPLINE = "discipline", _("Disciplinary period (处分期)")
    SICK_LEAVE = "sick_leave", _("Long sick leave (长期病假)")
    OTHER = "other", _("Other (stated below)")


class YearSettings(models.Model):
    """A town's rules for one year's annual evaluation. Until the office saves them, the defaults of
    the field apply (`selectors.year_settings`): 20% 优秀, thresholds 70 and 60, every pool graded."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    formula = models.CharField(
        _("annual score"), max_length=20, choices=Formula, default=Formula.MEAN_OF_MONTHS
    )
    excellent_share = models.DecimalField(
        _("优秀 share of a pool"),
        max_digits=4,
        decimal_places=2,
        default=grading.DEFAULT_SHARE,
        validators=SHARE_VALIDATORS,
    )
    # A share above 20% counts only once the main leader approves it; whoever set it never approves.
    share_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share_approved_at = models.DateTimeField(null=True, blank=True)
    level1_from = models.DecimalField(
        _("称职/合格 from"), max_digits=5, decimal_places=2, default=Decimal(70), validators=SCORE_VALIDATORS
    )
    level2_from = models.DecimalField(
        _("基本称职/基本合格 from"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=SCORE_VALIDATORS,
    )
    excellent_minimum = models.DecimalField(
        _("优秀 needs at least"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    pools = models.JSONField(default=list, blank=True)  # the pools graded; empty: every pool
    collective_method = models.CharField(
        _("a village collective's score"),
        max_length=16,
        choices=CollectiveMethod,
        default=CollectiveMethod.CADRES_MEAN,
    )
    agency_honours = models.PositiveSmallIntegerField(
        _("excellent agency cadres (places)"), null=True, blank=True, validators=QUOTA_VALIDATORS
    )
    head_honours = models.PositiveSmallIntegerField(
        _("excellent village heads (places)"), null=True, blank=True, validators=QUOTA_VALIDATORS
    )
    collective_honours = models.PositiveSmallIntegerField(
        _("advanced village collectives (places)"), null=True, blank=True, validators=QUOTA_VALIDATORS
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("annual settings")
        verbose_name_plural = _("annual settings")
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="annual_settings_one_per_year"),
            models.CheckConstraint(
                condition=Q(excellent_share__gte=0, excellent_share__lte=grading.MAX_SHARE),
                name="annual_share_at_most_25",
            ),
            models.CheckConstraint(
                condition=Q(level1_from__gte=models.F("level2_from")), name="annual_thresholds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year}"

    @property
    def share_needs_approval(self) -> bool:
        return self.excellent_share > grading.DEFAULT_SHARE

    @property
    def share_approved(self) -> bool:
        return self.share_needs_approval and self.share_approved_by_id is not None

    @property
    def share_in_force(self) -> Decimal:
        """The share the quota is computed with: above 20% only once approved."""
        if self.share_needs_approval and not self.share_approved:
            return grading.DEFAULT_SHARE
        return self.excellent_share


class AnnualCaseQuerySet(models.QuerySet):
    def with_result_scale(self):
        """Each case with the scale of the cadre's annual result of its year (`result_scale`, None
        before the pool is computed), read in the same query."""
        scale = AnnualResult.objects.filter(
            town=models.OuterRef("town"), year=models.OuterRef("year"), cadre=models.OuterRef("cadre")
        ).values("scale")[:1]
        return self.annotate(result_scale=models.Subquery(scale))


class AnnualCase(models.Model):
    """A veto (一票否决, locking the grade at a level) or an undetermined case (不确定等次, no grade and
    not counted in the pool) of a cadre's year, with its reason."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="annual_cases")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind)
    reason = models.CharField(_("reason"), max_length=16, choices=UndeterminedReason, blank=True)
    detail = models.TextField(_("details"), blank=True)
    veto_level = models.PositiveSmallIntegerField(
        _("grade locked at"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnualCaseQuerySet.as_manager()

    class Meta:
        ordering = ["cadre__name"]
        verbose_name = _("annual case")
        verbose_name_plural = _("annual cases")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "cadre"], name="annual_case_one_per_cadre_year"),
            models.CheckConstraint(
                condition=(Q(kind="veto") & Q(veto_level__gte=1, veto_level__lte=3) & Q(reason=""))
                | (Q(kind="undetermined") & Q(veto_level__isnull=True) & ~Q(reason="")),
                name="annual_case_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.kind}"

    @property
    def locked_grade(self) -> str:
        """The grade a veto locks, in the words of the scale of the cadre's result of that year when
        there is one (read with `with_result_scale`, or one query), else of the cadre as they are."""
        if "result_scale" in self.__dict__:
            scale = self.__dict__["result_scale"]
        else:
            scale = (
                AnnualResult.objects.filter(town=self.town_id, year=self.year, cadre=self.cadre_id)
                .values_list("scale", flat=True)
                .first()
            )
        return grade_label(scale or self.cadre.grade_scale, self.veto_level)


class PoolProposal(models.Model):
    """When a pool's proposal was computed, by whom and from what (`signature`: the published months,
    corrections and cases it read), with its quota; a later publication makes it stale."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    pool = models.CharField(_("pool"), max_length=48)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))
    signature = models.CharField(max_length=64)
    months = models.JSONField(default=list)  # the published months read, "2026-01", …
    share = models.DecimalField(max_digits=4, decimal_places=2)
    pool_size = models.PositiveIntegerField()
    quota = models.PositiveIntegerField()
    boundary = models.JSONField(default=dict)  # the tie or the criterion at the last 优秀 place
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("pool proposal")
        verbose_name_plural = _("pool proposals")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "pool"], name="annual_proposal_one_per_pool"),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year} {self.pool}"


class AnnualResult(models.Model):
    """A cadre's year: the annual score from the published months (`months`: each month's total, the
    means the tie-breaks compare), the rank in the pool, the proposed grade with why (`why`), and the
    grade in force, which the office may change with a reason within the quota."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="annual_results")
    pool = models.CharField(_("pool"), max_length=48)
    scale = models.CharField(max_length=20)
    score = models.DecimalField(_("annual score"), max_digits=6, decimal_places=2, null=True, blank=True)
    months = models.JSONField(default=list)
    means = models.JSONField(default=dict)
    rank = models.PositiveIntegerField(_("rank in pool"), null=True, blank=True)
    proposed_level = models.PositiveSmallIntegerField(null=True, blank=True)
    why = models.JSONField(default=dict)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "pool", "rank"]
        verbose_name = _("annual result")
        verbose_name_plural = _("annual results")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "cadre"], name="annual_result_one_per_cadre_year"
            ),
            models.CheckConstraint(
                condition=Q(level__lte=3) & Q(proposed_level__lte=3), name="annual_levels"
            ),
        ]
        indexes = [models.Index(fields=["cadre", "year"], name="annual_cadre_year")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}: {self.score}"

    @property
    def grade(self) -> str:
        return grade_label(self.scale, self.level)

    @property
    def proposed_grade(self) -> str:
        return grade_label(self.scale, self.proposed_level)

    @property
    def changed(self) -> bool:
        return self.level != self.proposed_level


class AnnualPublication(models.Model):
    """The publication (公示) of a town's annual proposal for one year, and its confirmation.

    Publishing freezes the proposal: no pool is computed again and the office changes no grade; a grade
    changes after that only through an answered objection or review (the kind ``"annual.grade"``).
    The publication window (公示期) is counted from the publication day in the town's working days
    (`appeals.services.windows`, with the town's `AppealRules`); the office confirms the grades once
    it has passed and every objection is answered, and the statutory review window runs from then.
    """

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("publication of the annual grades")
        verbose_name_plural = _("publications of the annual grades")
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="annual_publication_one_per_year"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="annual_publication_confirmed_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year}"

    @property
    def published_on(self):
        return timezone.localtime(self.published_at).date()

    @property
    def confirmed_on(self):
        return None if self.confirmed_at is None else timezone.localtime(self.confirmed_at).date()

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class CollectiveScore(models.Model):
    """A village collective's own annual assessment (村级集体年度考核): the score the office enters for
    the village as an assessed unit, with what scored it (`basis`: the scheme or the meeting). Read by
    the advanced-collective honour when the year's `collective_method` is `OWN_SCORE`."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="collective_scores")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=SCORE_VALIDATORS)
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["village__sort_order", "village__name"]
        verbose_name = _("village collective's score")
        verbose_name_plural = _("village collectives' scores")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "village"], name="annual_collective_score_one_per_village"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="annual_collective_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}: {self.score}"

"""Pay tied to the annual evaluation (结果运用): two plans per town and year, each sharing a pool of
money among its members to the cent (`engine.pay`).

- the bonus pool of non-established staff (不在编人员奖金), tied to their annual score;
- the incentive share of public-institution performance pay (事业单位奖励性绩效工资).

A plan holds the pool, the method the town chose (grade tiers with a coefficient per grade level, or
proportional to the annual score above a floor) and whether the share of the year assessed scales the
weight. Computing stores one `PayLine` per member with how the amount was reached; a member without an
annual score or grade gets a line without an amount and the reason. The office submits the plan, the
main leader approves it (never whoever submitted); an approved plan is frozen.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Cadre, Town

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
# A town's pool: up to 9 999 999 999.99 yuan, whole cents.
POOL_DIGITS, POOL_PLACES = 12, 2
POOL_VALIDATORS = [MinValueValidator(Decimal(0))]
COEFFICIENT_DIGITS, COEFFICIENT_PLACES = 5, 2  # 0 to 999.99
COEFFICIENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("999.99"))]
FLOOR_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
# The plan's coefficient fields by grade level (0 优秀 … 3 不称职/不合格). Only this module names them:
# everything else reads and writes `PayPlan.coefficients`, or a form's values through
# `coefficients_of` and `coefficient_values`, whose keys are these names (so the audit log keeps them).
COEFFICIENT_FIELDS = ("coefficient0", "coefficient1", "coefficient2", "coefficient3")


def coefficients_of(values: Mapping[str, object]) -> tuple:
    """The coefficients by grade level in a plan's settings as a form gives them (`coefficient_values`)."""
    return tuple(values[name] for name in COEFFICIENT_FIELDS)


def coefficient_values(coefficients: Sequence[object]) -> dict[str, object]:
    """The coefficients by grade level as a plan's settings (a form's values, an audit snapshot)."""
    return dict(zip(COEFFICIENT_FIELDS, coefficients, strict=True))


class PlanKind(models.TextChoices):
    """The two pools the article ties to the annual results."""

    NON_ESTABLISHED_BONUS = "non_established_bonus", _("Bonus of non-established staff (不在编人员奖金)")
    INSTITUTION_INCENTIVE = (
        "institution_incentive",
        _("Incentive performance pay of public-institution staff (事业单位奖励性绩效工资)"),
    )


class Method(models.TextChoices):
    TIERS = "tiers", _("Grade tiers: a coefficient for each grade")
    ABOVE_FLOOR = "above_floor", _("In proportion to the annual score above a floor")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


# The field's usual coefficients (优秀 1.2, 称职/合格 1.0, 基本称职/基本合格 0.6, 不称职/不合格 0) until
# the town saves its own; a floor of 60, the usual pass mark.
DEFAULT_COEFFICIENTS = (Decimal("1.2"), Decimal("1.0"), Decimal("0.6"), Decimal(0))
DEFAULT_FLOOR = Decimal(60)


class PayPlan(models.Model):
    """One pool of one town's year: its amount, method and workflow, and what it was computed from."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("pay"), max_length=24, choices=PlanKind)
    pool = models.DecimalField(
        _("pool (yuan)"),
        max_digits=POOL_DIGITS,
        decimal_places=POOL_PLACES,
        default=Decimal(0),
        validators=POOL_VALIDATORS,
    )
    method = models.CharField(_("method"), max_length=16, choices=Method, default=Method.TIERS)
    coefficient0 = models.DecimalField(
        _("coefficient of 优秀"),
        max_digits=COEFFICIENT_DIGITS,
        decimal_places=COEFFICIENT_PLACES,
        default=DEFAULT_COEFFICIENTS[0],
        validators=COEFFICIENT_VALIDATORS,
    )
    coefficient1 = models.DecimalField(
        _("coefficient of 称职/合格"),
        max_digits=COEFFICIENT_DIGITS,
        decimal_places=COEFFICIENT_PLACES,
        default=DEFAULT_COEFFICIENTS[1],
        validators=COEFFICIENT_VALIDATORS,
    )
    coefficient2 = models.DecimalField(
        _("coefficient of 基本称职/基本合格"),
        max_digits=COEFFICIENT_DIGITS,
        decimal_places=COEFFICIENT_PLACES,
        default=DEFAULT_COEFFICIENTS[2],
        validators=COEFFICIENT_VALIDATORS,
    )
    coefficient3 = models.DecimalField(
        _("coefficient of 不称职/不合格"),
        max_digits=COEFFICIENT_DIGITS,
        decimal_places=COEFFICIENT_PLACES,
        default=DEFAULT_COEFFICIENTS[3],
        validators=COEFFICIENT_VALIDATORS,
    )
    floor = models.DecimalField(
        _("floor (annual score)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_FLOOR,
        validators=FLOOR_VALIDATORS,
    )
    by_year_share = models.BooleanField(_("scale by the share of the year assessed"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus, default=PlanStatus.DRAFT)
    # What the stored lines were computed from (`selectors.signature`): the plan's settings and every
    # member's annual score, grade and months. Any change after computing makes the plan stale.
    signature = models.CharField(max_length=64, blank=True)
    year_months = models.PositiveSmallIntegerField(default=0)  # the year's published months, at computing
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason for returning"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "kind"]
        verbose_name = _("pay plan")
        verbose_name_plural = _("pay plans")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "kind"], name="pay_plan_one_per_kind_year"),
            models.CheckConstraint(condition=Q(pool__gte=0), name="pay_pool_not_negative"),
            models.CheckConstraint(
                condition=Q(
                    coefficient0__gte=0, coefficient1__gte=0, coefficient2__gte=0, coefficient3__gte=0
                ),
                name="pay_coefficients_not_negative",
            ),
            models.CheckConstraint(condition=Q(floor__gte=0, floor__lte=100), name="pay_floor_in_scale"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="pay_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year} {self.get_kind_display()}"

    @property
    def coefficients(self) -> tuple[Decimal, ...]:
        """The coefficient of each grade level, best first (index = level)."""
        return tuple(getattr(self, name) for name in COEFFICIENT_FIELDS)

    @coefficients.setter
    def coefficients(self, values: Sequence[Decimal]) -> None:
        if len(values) != len(COEFFICIENT_FIELDS):
            raise ValueError(f"a plan has {len(COEFFICIENT_FIELDS)} coefficients, not {len(values)}")
        for name, value in zip(COEFFICIENT_FIELDS, values, strict=True):
            setattr(self, name, value)

    @property
    def frozen(self) -> bool:
        return self.status == PlanStatus.APPROVED

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


class Unpaid(models.TextChoices):
    """Why a member of a plan gets nothing from it this year."""

    NO_RESULT = "no_result", _("No annual result for the year (no published month, or the pool not computed)")
    NO_SCORE = "no_score", _("No annual score: no published month of the year")
    NO_GRADE = "no_grade", _("Grade not determined this year (不确定等次)")
    NOT_CONFIRMED = "not_confirmed", _("The year's grades are not confirmed yet")


class PayLine(models.Model):
    """One member's amount in a computed plan and how it was reached (or why there is none)."""

    plan = models.ForeignKey(PayPlan, on_delete=models.CASCADE, related_name="lines")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    scale = models.CharField(max_length=20, blank=True)
    months = models.PositiveSmallIntegerField(default=0)  # the member's months with a published total
    in_post = models.DecimalField(max_digits=7, decimal_places=6, default=Decimal(1))
    weight = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    exact = models.CharField(max_length=80, blank=True)  # the exact share in yuan, "numerator/denominator"
    amount = models.DecimalField(max_digits=POOL_DIGITS, decimal_places=POOL_PLACES, null=True, blank=True)
    extra_cent = models.BooleanField(default=False)
    unpaid = models.CharField(max_length=16, choices=Unpaid, blank=True)
    unpaid_detail = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("pay line")
        verbose_name_plural = _("pay lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "cadre"], name="pay_line_one_per_cadre"),
            models.CheckConstraint(
                condition=(Q(unpaid="") & Q(amount__gte=0) & Q(weight__isnull=False))
                | (~Q(unpaid="") & Q(amount__isnull=True)),
                name="pay_line_paid_or_why_not",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.cadre}: {self.amount}"

"""The indicator system (考核指标体系): a scheme per population and year, its categories and
indicators, and indicator weights versioned by month.

A weight change takes effect from a month on: `IndicatorWeight(effective_from=2026-03-01)` leaves
January and February computed with the weights they had, forever. The weight in force in a month
is the version with the latest `effective_from` not after that month.
"""

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.engine import engine
from kaoping.engine.engine import RuleKind as EngineRuleKind
from kaoping.engine.engine import VetoEffect as EngineVetoEffect
from kaoping.people.models import Population, Town

from . import rules


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class TieBreak(models.TextChoices):
    """What decides between equal totals, in the order the scheme lists them."""

    PERFORMANCE = "performance", _("Higher performance score")
    DEMOCRATIC = "democratic", _("Higher democratic-evaluation score")
    FEWER_DEDUCTIONS = "fewer_deductions", _("Fewer deduction points")
    BONUS = "bonus", _("More bonus points")


class Scheme(models.Model):
    """One population's indicator scheme for one year (three schemes a town a year: "3 套考核体系")."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="schemes")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    population = models.CharField(_("population"), max_length=16, choices=Population)
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=SchemeStatus, default=SchemeStatus.DRAFT)
    scale = models.DecimalField(
        _("full marks"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        help_text=_("百分制 by default: performance is expressed out of this."),
    )
    democratic_share = models.DecimalField(
        _("democratic-evaluation share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_(
            "The share of the quarterly democratic evaluation in the result (the article gives 20%)."
        ),
    )
    bonus_cap_month = models.DecimalField(
        _("bonus cap per month"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    bonus_cap_year = models.DecimalField(
        _("bonus cap per year"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    deduction_cap_month = models.DecimalField(
        _("deduction cap per month"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    deduction_cap_year = models.DecimalField(
        _("deduction cap per year"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    tie_breaks = models.JSONField(
        _("tie-break chain"),
        default=list,
        blank=True,
        help_text=_("Applied in order when totals are equal; cadres still equal share a rank (1, 1, 3)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Raised at every change of the scheme's weights (the weights page sends back the one it showed).
    weights_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "population"]
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "population"], name="scheme_one_per_population_year"
            ),
            models.CheckConstraint(
                condition=Q(democratic_share__gte=0) & Q(democratic_share__lte=1),
                name="scheme_share_is_a_fraction",
            ),
            models.CheckConstraint(condition=Q(scale__gt=0), name="scheme_scale_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def month(self, number: int) -> date:
        return date(self.year, number, 1)

    @property
    def is_draft(self) -> bool:
        return self.status == SchemeStatus.DRAFT

    @property
    def is_archived(self) -> bool:
        return self.status == SchemeStatus.ARCHIVED


class Category(models.Model):
    """One of the scheme's categories (大项), e.g. 党的建设."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="category_name_unique_in_scheme")
        ]

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    MANUAL = EngineRuleKind.MANUAL.value, _("Manual score up to the maximum")
    COMPLETION = EngineRuleKind.COMPLETION.value, _("Completion ratio of a target")
    PASS_FAIL = EngineRuleKind.PASS_FAIL.value, _("Pass / fail")
    PER_OCCURRENCE = EngineRuleKind.PER_OCCURRENCE.value, _("Points per occurrence, capped")
    RANK = EngineRuleKind.RANK.value, _("Rank among peers mapped to points")
    VETO = EngineRuleKind.VETO.value, _("Veto (一票否决)")


class VetoEffect(models.TextChoices):
    ZERO_CATEGORY = EngineVetoEffect.ZERO_CATEGORY.value, _("Zeroes its category")
    CAP_GRADE = EngineVetoEffect.CAP_GRADE.value, _("Caps the grade (no honours)")


class ItemKind(models.TextChoices):
    MONTHLY_KEY_WORK = "monthly_key_work", _("Monthly key work")
    AD_HOC = "ad_hoc", _("Ad-hoc task")


class Indicator(models.Model):
    """An indicator (具体指标) with its written scoring standard, maximum and rule."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("number"), max_length=12, help_text=_("As printed in the scheme, e.g. 1.3."))
    name = models.CharField(_("name"), max_length=100)
    standard = models.TextField(
        _("scoring standard"), help_text=_("评分标准及规则, as published to the cadres.")
    )
    max_score = models.DecimalField(
        _("maximum"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    rule_kind = models.CharField(_("rule"), max_length=20, choices=RuleKind, default=RuleKind.MANUAL)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    points_each = models.DecimalField(
        _("points per occurrence"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cap = models.DecimalField(_("cap"), max_digits=6, decimal_places=2, null=True, blank=True)
    adds = models.BooleanField(
        _("occurrences add points"),
        default=False,
        help_text=_("Off: each occurrence deducts from the maximum."),
    )
    ladder_step = models.DecimalField(
        _("points lost per place"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Rank ladder: 1st gets the maximum, each place below loses this much."),
    )
    proportional = models.BooleanField(
        _("proportional to the best"),
        default=False,
        help_text=_("Rank rule: maximum × value / best value among peers."),
    )
    veto_effect = models.CharField(_("veto effect"), max_length=16, choices=VetoEffect, blank=True)
    item_kind = models.CharField(
        _("item kind"), max_length=20, choices=ItemKind, default=ItemKind.MONTHLY_KEY_WORK
    )
    is_fixed = models.BooleanField(
        _("fixed indicator"),
        default=False,
        help_text=_("Always in the scheme: Party building, credit system, public demands."),
    )
    sort_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique_in_scheme"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="indicator_max_positive"),
            models.CheckConstraint(
                condition=~Q(rule_kind=RuleKind.COMPLETION) | Q(target__gt=0),
                name="indicator_completion_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(rule_kind=RuleKind.PER_OCCURRENCE) | Q(points_each__gt=0),
                name="indicator_occurrence_has_points",
            ),
            models.CheckConstraint(
                condition=~Q(rule_kind=RuleKind.VETO) | ~Q(veto_effect=""), name="indicator_veto_has_effect"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def rule_description(self) -> str:
        """The rule in one sentence, in the current language."""
        return rules.describe(self)

    def engine_rule(self) -> engine.Rule:
        return rules.engine_rule(self)


class IndicatorWeight(models.Model):
    """An indicator's weight from a month on, until a later version replaces it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="weights")
    effective_from = models.DateField(_("from month"))
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "effective_from"]
        verbose_name = _("weight version")
        verbose_name_plural = _("weight versions")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "effective_from"], name="weight_one_version_per_month"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="weight_not_negative"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="weight_from_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.weight} ({self.effective_from:%Y-%m})"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    DEDUCTION = "deduction", _("Deduction")


class AdjustmentReason(models.Model):
    """The catalogue of bonus and deduction reasons of a scheme (奖扣分项目)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustment_reasons")
    kind = models.CharField(_("kind"), max_length=12, choices=AdjustmentKind)
    name = models.CharField(_("name"), max_length=100)
    standard = models.TextField(_("standard"), blank=True)
    default_points = models.DecimalField(
        _("usual points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["kind", "sort_order", "id"]
        verbose_name = _("bonus or deduction reason")
        verbose_name_plural = _("bonus and deduction reasons")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind", "name"], name="reason_unique_in_scheme"),
        ]

    def __str__(self) -> str:
        return self.name

"""Supervision items (督查督办) as a closed loop, the rules that score their handling, and the
numbered supervision bulletins (《督查通报》).

An item is assigned to owner cadres and/or a department, carried out, followed up, its result
submitted, verified or sent back, and closed with feedback. Every move goes through
`services.item_move`, which consults the `MOVES` table there. A bulletin is composed, reviewed,
approved and published; publication takes the next number of the year from `BulletinCounter`.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.core.limits import SMALL_INT_MAX
from kaoping.people.models import Cadre, Department, Town


class Source(models.TextChoices):
    MEETING = "meeting", _("Two-committees meeting assignment")
    INSPECTION = "inspection", _("Problem found by inspection")
    ABOVE = "above", _("Task from above")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


class ItemStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Result submitted")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        """States in which the owner still owes a result: an item in them can be overdue."""
        return (cls.ASSIGNED, cls.IN_PROGRESS)


class Quality(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class OwnerRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_OWNER = "co_owner", _("Co-owner")


class ScoringRules(models.Model):
    """How handling an item is scored in one town and year (defaults are the office's usual ones)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="supervision_rules")
    year = models.PositiveSmallIntegerField(_("year"))
    on_time = models.DecimalField(
        _("points when the result came by the deadline"), max_digits=5, decimal_places=2, default=Decimal("1")
    )
    late = models.DecimalField(
        _("points when the result came after the deadline"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("-1"),
    )
    per_send_back = models.DecimalField(
        _("points for each send-back"), max_digits=5, decimal_places=2, default=Decimal("-0.5")
    )
    excellent = models.DecimalField(
        _("points for an excellent result"), max_digits=5, decimal_places=2, default=Decimal("2")
    )
    good = models.DecimalField(
        _("points for a good result"), max_digits=5, decimal_places=2, default=Decimal("1")
    )
    fair = models.DecimalField(
        _("points for a fair result"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    poor = models.DecimalField(
        _("points for a poor result"), max_digits=5, decimal_places=2, default=Decimal("-1")
    )
    co_owner_share = models.DecimalField(
        _("co-owners' share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        help_text=_("Co-owners receive this percentage of each line; owners receive it whole."),
    )
    # Incremented on every change: rules saved from an older page are refused, not saved over others.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("supervision scoring rules")
        verbose_name_plural = _("supervision scoring rules")
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="supervision_rules_one_per_town_year"),
            models.CheckConstraint(
                condition=Q(co_owner_share__gte=0) & Q(co_owner_share__lte=100),
                name="supervision_rules_share_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year}"

    def quality_points(self, quality: str) -> Decimal:
        return getattr(self, quality) if quality in Quality.values else Decimal(0)


class ItemQuerySet(models.QuerySet):
    def overdue(self, today: date):
        """Items whose owner still owes a result after the deadline."""
        return self.filter(status__in=ItemStatus.open(), deadline__lt=today)

    def owned_by(self, cadre: Cadre):
        """Items the cadre owns or co-owns, or that the department they head owns."""
        condition = Q(owners__cadre=cadre)
        if cadre.is_middle_level and cadre.department_id is not None:
            condition |= Q(department_id=cadre.department_id)
        return self.filter(condition).distinct()


class Item(models.Model):
    """One supervision item (督办事项)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="supervision_items")
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Source)
    title = models.CharField(_("title"), max_length=120)
    requirements = models.TextField(_("requirements"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_items",
        verbose_name=_("owning department"),
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency, default=Urgency.NORMAL)
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus, default=ItemStatus.ASSIGNED)
    result = models.TextField(_("result"), blank=True)
    submitted_at = models.DateTimeField(_("result submitted at"), null=True, blank=True)
    send_backs = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    quality = models.CharField(_("quality"), max_length=16, choices=Quality, blank=True)
    on_time = models.BooleanField(_("result came by the deadline"), null=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("assigned_on")), name="item_deadline_not_before_assignment"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["verified", "closed"]) | ~Q(quality=""),
                name="item_verified_has_quality",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status in ItemStatus.open() and self.deadline < today

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days


class ItemOwner(models.Model):
    """A cadre who owns (牵头) or co-owns (配合) an item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="owners")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="supervision_ownerships")
    role = models.CharField(_("role"), max_length=16, choices=OwnerRole, default=OwnerRole.OWNER)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "cadre"], name="item_owner_once")]

    def __str__(self) -> str:
        return f"{self.item} · {self.cadre}"


class EventKind(models.TextChoices):
    MOVE = "move", _("Status change")
    NOTE = "note", _("Follow-up note")
    EXTENSION = "extension", _("Extension")


class ItemEvent(models.Model):
    """The item's timeline: moves, follow-up notes and extensions, with who and when."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=16, choices=ItemStatus, blank=True)
    to_status = models.CharField(max_length=16, choices=ItemStatus, blank=True)
    text = models.TextField(blank=True)
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"


class BulletinKind(models.TextChoices):
    REGULAR = "regular", _("Regular issue")
    SUPPLEMENT = "supplement", _("Supplement (增刊)")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class BulletinCounter(models.Model):
    """The last number given in a town, year and kind; locked while a bulletin is published."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=BulletinKind)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "kind"], name="bulletin_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year} {self.kind}: {self.last}"


class BulletinQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=BulletinStatus.PUBLISHED)


class Bulletin(models.Model):
    """A supervision bulletin (《督查通报》). Once published it never changes."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="bulletins")
    kind = models.CharField(_("kind"), max_length=16, choices=BulletinKind, default=BulletinKind.REGULAR)
    period_label = models.CharField(_("period"), max_length=40, help_text=_("e.g. 2026年5月"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs separated by blank lines; a paragraph starting with 一、 or （一） is a heading."
        ),
    )
    issuer = models.CharField(_("issuing office"), max_length=60)
    report_to = models.CharField(_("reported to (报)"), max_length=200, blank=True)
    send_to = models.CharField(_("sent to (送)"), max_length=200, blank=True)
    issue_to = models.CharField(_("issued to (发)"), max_length=200, blank=True)
    copies = models.PositiveSmallIntegerField(
        _("copies printed"), default=30, validators=[MinValueValidator(0), MaxValueValidator(SMALL_INT_MAX)]
    )
    items = models.ManyToManyField(Item, blank=True, related_name="bulletins", verbose_name=_("items"))
    status = models.CharField(
        _("status"), max_length=16, choices=BulletinStatus, default=BulletinStatus.DRAFT
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(  # who last sent it for review: never the one who approves it
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Incremented on every change: an edit made from an older page is refused, not saved over another.
    version = models.PositiveIntegerField(default=1)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number", "-pk"]
        verbose_name = _("supervision bulletin")
        verbose_name_plural = _("supervision bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "kind", "number"],
                condition=Q(number__isnull=False),
                name="bulletin_number_once_a_year",
            ),
            models.CheckConstraint(
                condition=(Q(status="published") & Q(number__isnull=False) & Q(year__isnull=False))
                | (~Q(status="published") & Q(number__isnull=True)),
                name="bulletin_numbered_iff_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED

    @property
    def number_label(self) -> str:
        """第N期, or 增刊第N期 for a supplement; empty until published."""
        from . import numbering

        return numbering.label(self.kind, self.number) if self.number else ""

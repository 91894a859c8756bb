"""Quarterly democratic evaluation (民主评议): rounds, voting codes and anonymous ballots.

Anonymity is a property of the tables, not of the code that reads them (docs/anonymity.md):

- While a round is open, a submitted ballot is a `SealedBallot`: sealed to the round's public key,
  padded to one size, under a random key (so the SQLite rowid order is not the voting order). The
  round's private key is not stored anywhere: its holders keep it as shares, and closing needs them.
- On closing, the sealed ballots are opened in memory, shuffled and written as the plaintext
  `Ballot`s in one transaction; the sealed ones are deleted and the database's free space wiped
  (SQLite WAL checkpointed and truncated, PostgreSQL tables vacuumed). A `Ballot` has no code, user,
  address or time column.
- `VotingCode` stores only a keyed hash of the code and its rater class, and a `used` flag without
  a time.
- A saved, unsubmitted ballot (`BallotDraft`) has to be found again by its code; it is keyed by the
  code hash, encrypted with a key derived from the code itself, and deleted when the ballot is
  submitted (or the round closes).

Database triggers (see `triggers.py`) refuse any change to a stored ballot, and any new or deleted
ballot in a closed round.
"""

import secrets
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Cadre, Town


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed")


class RaterKind(models.TextChoices):
    """The four rater classes; each ballot and code carries its class and nothing else about the rater."""

    LEADERSHIP = "leadership", _("Leadership members")
    MIDDLE_LEVEL = "middle_level", _("Middle-level cadres")
    ESTABLISHED = "established", _("Other established cadres")
    NON_ESTABLISHED = "non_established", _("Non-established cadres")


# The article's weights (镇班子成员 40%, 中层干部 30%, 其他在编干部 20%, 不在编干部 10%).
DEFAULT_WEIGHTS = {
    RaterKind.LEADERSHIP: Decimal(40),
    RaterKind.MIDDLE_LEVEL: Decimal(30),
    RaterKind.ESTABLISHED: Decimal(20),
    RaterKind.NON_ESTABLISHED: Decimal(10),
}


class Grade(models.TextChoices):
    """The person-level rating of a target."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")
    UNKNOWN = "unknown", _("Don't know")


# The common mapping; "don't know" has no value and is left out of the denominators.
DEFAULT_SCALE = {
    Grade.EXCELLENT: Decimal(95),
    Grade.COMPETENT: Decimal(85),
    Grade.BASIC: Decimal(75),
    Grade.INCOMPETENT: Decimal(65),
}


class SubItem(models.TextChoices):
    """The optional sub-items 德、能、勤、绩、廉."""

    MORALITY = "morality", _("Morality (德)")
    ABILITY = "ability", _("Ability (能)")
    DILIGENCE = "diligence", _("Diligence (勤)")
    ACHIEVEMENT = "achievement", _("Achievement (绩)")
    INTEGRITY = "integrity", _("Integrity (廉)")


class SubGrade(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")
    UNKNOWN = "unknown", _("Don't know")


SUB_SCALE = {
    SubGrade.GOOD: Decimal(95),
    SubGrade.FAIR: Decimal(85),
    SubGrade.AVERAGE: Decimal(75),
    SubGrade.POOR: Decimal(65),
}


class RoundQuerySet(models.QuerySet):
    def of_town(self, town: Town):
        return self.filter(town=town)

    def closed(self):
        return self.filter(status=RoundStatus.CLOSED)


class Round(models.Model):
    """One quarter's democratic evaluation in a town."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="evaluation_rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date of the meeting"))
    closes_at = models.DateTimeField(
        _("codes expire at"), null=True, blank=True, help_text=_("After this time no ballot is accepted.")
    )
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus, default=RoundStatus.DRAFT)
    # Grade -> value as strings, e.g. {"excellent": "95", ...}; grades missing here count as "don't know".
    scale = models.JSONField(_("rating scale"))
    sub_items = models.JSONField(_("sub-items"), default=list, blank=True)
    key_holders = models.PositiveSmallIntegerField(
        _("tally key holders"),
        default=3,
        help_text=_(
            "How many people each keep a share of the tally key (for example the discipline and "
            "organisation members and the office)."
        ),
    )
    key_threshold = models.PositiveSmallIntegerField(
        _("shares needed to close"), default=2, help_text=_("How many of the shares closing the round needs.")
    )
    # The round's X25519 public key (hex), made when it opens; its private key is never stored.
    public_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "quarter"], name="round_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="round_quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(
                    key_threshold__gte=1, key_threshold__lte=models.F("key_holders"), key_holders__lte=9
                ),
                name="round_key_threshold_1_to_holders",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def scale_values(self) -> dict[str, Decimal]:
        return {grade: Decimal(value) for grade, value in self.scale.items()}

    def scale_rows(self) -> list[tuple[str, str, Decimal | None]]:
        """(grade, label, value) in the order of the scale, "don't know" last with no value."""
        values = self.scale_values()
        return [(g.value, g.label, values.get(g.value)) for g in Grade]

    def sub_item_rows(self) -> list[tuple[str, str]]:
        labels = dict(SubItem.choices)
        return [(key, labels.get(key, key)) for key in self.sub_items]


class RaterClass(models.Model):
    """One of a round's rater classes: its weight and how many codes it was given."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="classes")
    kind = models.CharField(_("rater class"), max_length=24, choices=RaterKind)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    codes_planned = models.PositiveIntegerField(_("number of codes"))

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="rater_class_once_per_round"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="rater_class_weight_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Target(models.Model):
    """A cadre rated in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="targets")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "cadre"], name="target_once_per_round")]

    def __str__(self) -> str:
        return str(self.cadre_id)


class VotingCode(models.Model):
    """A one-time voting code: only its keyed hash, its rater class and whether it was used."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="codes")
    rater_class = models.ForeignKey(RaterClass, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["round", "rater_class", "used"])]

    def __str__(self) -> str:
        return f"code {self.pk}"


class BallotDraft(models.Model):
    """A saved, not yet submitted ballot. Necessarily found by its code; deleted at submission.

    `sealed` is the ratings encrypted with a key derived from the code (sealing.seal_draft): without
    the code, nobody (the server included) can read it.
    """

    code_hash = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return "draft"


def random_key() -> int:
    return secrets.randbits(62) + 1


class RandomKeyField(models.BigIntegerField):
    """A 64-bit key drawn at random. On SQLite the column is declared `integer` so that it is the
    table's rowid: rows are then placed by their random key, not in the order they came in."""

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class SealedBallot(models.Model):
    """A ballot submitted while the round is open: {"class": kind, "ratings": …} padded to the round's
    ballot size and sealed to the round's public key. Only the tally key opens it, at closing, when
    it is replaced by a plaintext `Ballot` in shuffled order. Its rater class is the one of the code
    that cast it (already known from the code, so it says nothing more)."""

    id = RandomKeyField(primary_key=True, default=random_key, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sealed_ballots")
    rater_class = models.ForeignKey(RaterClass, on_delete=models.PROTECT, related_name="sealed_ballots")
    sealed = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return "sealed ballot"


class Ballot(models.Model):
    """A submitted ballot: its round, its rater class and its ratings; nothing else.

    `ratings` is {str(cadre id): {"overall": grade, sub item: sub grade, ...}}.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    rater_class = models.ForeignKey(RaterClass, on_delete=models.PROTECT, related_name="ballots")
    ratings = models.JSONField()

    class Meta:
        ordering = ["id"]  # random: says nothing about when a ballot came in

    def __str__(self) -> str:
        return str(self.id)


class TargetResult(models.Model):
    """A target's democratic score, computed when the round closes, with how it was reached."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("democratic score"), max_digits=6, decimal_places=2, null=True)
    # {kind: {"weight": "40", "ballots": 12, "rated": 11, "mean": "88.18" | None}}
    per_class = models.JSONField(default=dict)
    left_out = models.JSONField(default=list)  # classes left out, weights renormalised
    distribution = models.JSONField(default=dict)  # grade -> count
    sub_means = models.JSONField(default=dict)  # sub item -> mean or None

    class Meta:
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "cadre"], name="result_once_per_target")]

    def __str__(self) -> str:
        return f"{self.cadre_id}: {self.score}"

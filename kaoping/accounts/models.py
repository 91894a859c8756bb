"""User accounts and the roles they hold, town by town."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Cadre, Population, Town


class Role(models.TextChoices):
    """Every role of the application. What each may do is decided in `permissions.py` only."""

    TOWN_ADMIN = "town_admin", _("Town administrator")
    ASSESSMENT_OFFICE = "assessment_office", _("Assessment office")
    SUPERVISION_OFFICE = "supervision_office", _("Supervision office")
    PARTY_BUILDING_OFFICE = "party_building_office", _("Party-building office")
    GROUP_LEADER = "group_leader", _("Assessment-group leader")
    SCORER = "scorer", _("Scorer")
    MAIN_LEADER = "main_leader", _("Main leader")
    CADRE = "cadre", _("Cadre")
    CITY_ADMIN = "city_admin", _("City administrator")
    AUDITOR = "auditor", _("Auditor")

    @classmethod
    def city_wide(cls) -> frozenset["Role"]:
        """Roles held over every town rather than one."""
        return frozenset({cls.CITY_ADMIN})

    @classmethod
    def city_wide_or_town(cls) -> frozenset["Role"]:
        """Roles held either in one town or over every town (the city-wide auditor)."""
        return frozenset({cls.AUDITOR})

    @classmethod
    def for_population(cls) -> frozenset["Role"]:
        """Roles that are held for one assessed population."""
        return frozenset({cls.GROUP_LEADER, cls.SCORER})


class User(AbstractUser):
    """A person who logs in. May be linked to the cadre record of the person."""

    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    cadre = models.OneToOneField(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("cadre record"),
    )
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # The last reset by an administrator, told to the owner at their next login and then cleared.
    password_reset_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    password_reset_at = models.DateTimeField(null=True, blank=True)
    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self) -> bool:
        """Locked out from at least one address after failed logins (see `lockout.py`)."""
        from .lockout import locked_usernames

        return self.username in locked_usernames([self.username])


class RoleAssignment(models.Model):
    """One role held by one user, in one town (or in all towns, for city-wide roles)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("town"),
    )
    population = models.CharField(
        _("population"),
        max_length=16,
        choices=Population,
        blank=True,
        help_text=_("For assessment-group leaders and scorers: the population they score."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "town", "population"],
                name="role_assignment_unique",
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in Role.city_wide()), town__isnull=True)
                | Q(role__in=sorted(r.value for r in Role.city_wide_or_town()))
                | (
                    ~Q(role__in=sorted(r.value for r in Role.city_wide() | Role.city_wide_or_town()))
                    & Q(town__isnull=False)
                ),
                name="role_assignment_town_unless_city_wide",
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in Role.for_population())) & ~Q(population="")
                | (~Q(role__in=sorted(r.value for r in Role.for_population())) & Q(population="")),
                name="role_assignment_population_for_group_roles",
            ),
        ]

    def __str__(self) -> str:
        label = str(self.get_role_display())
        if self.population:
            label += f" · {self.get_population_display()}"
        return f"{label} @ {self.town}" if self.town_id else label

"""A town's structure: the town itself, its departments and villages, and its cadres.

Every record belongs to a town (the tenant). Nothing here is ever hard-deleted: a department,
village or cadre that is no longer in service is deactivated, so that its history stays readable.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.core.limits import SORT_ORDER_VALIDATORS

from . import idnumbers


class ResultsDisclosure(models.TextChoices):
    """What a cadre sees of their colleagues' published results (a town setting; leaders and offices
    always see everyone's). The default follows the article: the ranking is public (公开), and how a
    score was reached, line by line, is each cadre's own."""

    RANKING_PUBLIC = (
        "ranking_public",
        _(
            "Every cadre sees the published ranking with everyone's totals and category subtotals, "
            "and the line-by-line breakdown of themselves only (default)"
        ),
    )
    ALL_BREAKDOWNS = (
        "all_breakdowns",
        _("Every cadre sees the published ranking and everyone's line-by-line breakdown"),
    )
    OWN_ONLY = "own_only", _("A cadre sees only their own total, rank and breakdown")


class Town(models.Model):
    """A town (镇/街道): the unit whose data, people and schemes belong together."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("short code"), max_length=40, unique=True, help_text=_("Used in addresses, e.g. xiacun.")
    )
    city = models.CharField(_("city"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    results_disclosure = models.CharField(
        _("what cadres see of others' results"),
        max_length=20,
        choices=ResultsDisclosure,
        default=ResultsDisclosure.RANKING_PUBLIC,
        help_text=_(
            "Leaders and offices always see everyone's results. The default follows the article: "
            "the ranking is public (公开), how a score was reached is shown to the cadre concerned."
        ),
    )
    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("town")
        verbose_name_plural = _("towns")

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    OFFICE = "office", _("Office (办公室)")
    STATION = "station", _("Station (站所)")


class Department(models.Model):
    """A department (站所/办公室) where agency cadres work."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=DepartmentKind, default=DepartmentKind.OFFICE)
    sort_order = models.PositiveIntegerField(_("display order"), default=0, validators=SORT_ORDER_VALIDATORS)
    is_active = models.BooleanField(_("active"), default=True)
    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="department_name_unique_in_town"),
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A village (村): the workplace of village cadres and an assessed collective."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveIntegerField(_("display order"), default=0, validators=SORT_ORDER_VALIDATORS)
    is_active = models.BooleanField(_("active"), default=True)
    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_name_unique_in_town"),
        ]

    def __str__(self) -> str:
        return self.name


class Population(models.TextChoices):
    """The three assessed populations (考核对象), each with its own scheme and ranking."""

    LEADERSHIP = "leadership", _("Leadership member")
    AGENCY = "agency", _("Agency cadre")
    VILLAGE = "village", _("Village cadre")


class AgencyCategory(models.TextChoices):
    """Agency cadres are split into three categories, each ranked separately."""

    ESTABLISHED = "established", _("Established staff")
    COMMUNITY_INSTRUCTOR = "community_instructor", _("Community instructor")
    NON_ESTABLISHED = "non_established", _("Non-established staff")


class PersonnelType(models.TextChoices):
    """What kind of staff a cadre is, which decides the words of their annual grade (年度考核等次):
    civil servants 优秀/称职/基本称职/不称职, public-institution staff 优秀/合格/基本合格/不合格.
    Not stated: read from the population (`grade_scale`)."""

    NOT_STATED = "", _("Not stated (by population)")
    CIVIL_SERVANT = "civil_servant", _("Civil servant (公务员)")
    PUBLIC_INSTITUTION = "public_institution", _("Public-institution staff (事业单位人员)")
    OTHER = "other", _("Other (non-established staff, village cadres)")


def grade_scale(personnel_type: str, population: str, agency_category: str = "") -> str:
    """The scale of an annual grade (`engine.grading.SCALES`), the one rule: the personnel type when
    stated; not stated, civil servant for leadership members and established agency staff (the usual
    case in a town) and the public-institution words for everyone else. The annual evaluation gives it
    the population and category of the cadre's pool of the year, not the cadre's current ones."""
    if personnel_type:
        return personnel_type
    if population == Population.LEADERSHIP or (
        population == Population.AGENCY and agency_category == AgencyCategory.ESTABLISHED
    ):
        return PersonnelType.CIVIL_SERVANT
    return PersonnelType.OTHER


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CadreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_population(self, population: str):
        return self.filter(population=population)

    def with_workplace(self):
        return self.select_related("department", "village")

    def in_display_order(self):
        """Leadership, then agency cadres by category, then village cadres; heads first in each unit."""
        rank = models.Case(
            *(models.When(population=p, then=i) for i, p in enumerate(Population.values)),
            output_field=models.IntegerField(),
        )
        category = models.Case(
            *(models.When(agency_category=c, then=i) for i, c in enumerate(AgencyCategory.values)),
            default=len(AgencyCategory.values),
            output_field=models.IntegerField(),
        )
        return self.order_by(
            rank,
            category,
            "department__sort_order",
            "department__name",
            "village__sort_order",
            "village__name",
            "-is_middle_level",
            "-is_village_head",
            "name",
        )


class Cadre(models.Model):
    """A person assessed by the town: a leadership member, an agency cadre or a village cadre."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="cadres")
    name = models.CharField(_("name"), max_length=40)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    population = models.CharField(_("population"), max_length=16, choices=Population)
    agency_category = models.CharField(
        _("agency-cadre category"), max_length=24, choices=AgencyCategory, blank=True
    )
    position = models.CharField(_("position"), max_length=60)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name=_("department"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name=_("village"),
    )
    is_middle_level = models.BooleanField(_("middle-level cadre"), default=False)
    is_village_head = models.BooleanField(_("village head"), default=False)
    personnel_type = models.CharField(
        _("personnel type"), max_length=20, choices=PersonnelType, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_on = models.DateField(_("left service on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised at every change; an edit page sends back the one it showed (audit/versions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CadreQuerySet.as_manager()

    class Meta:
        ordering = ["population", "name"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        constraints = [
            models.UniqueConstraint(fields=["town", "id_number"], name="cadre_id_number_unique_in_town"),
            models.CheckConstraint(
                condition=(Q(population=Population.AGENCY) & ~Q(agency_category=""))
                | (~Q(population=Population.AGENCY) & Q(agency_category="")),
                name="cadre_category_iff_agency",
            ),
            models.CheckConstraint(
                condition=~Q(population=Population.VILLAGE) | Q(village__isnull=False),
                name="cadre_village_cadre_has_village",
            ),
            models.CheckConstraint(
                condition=~Q(is_village_head=True) | Q(population=Population.VILLAGE),
                name="cadre_village_head_is_village_cadre",
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(is_village_head=True, is_active=True),
                name="cadre_one_active_head_per_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def workplace(self) -> Department | Village | None:
        return self.village if self.population == Population.VILLAGE else self.department

    @property
    def masked_id_number(self) -> str:
        return idnumbers.mask(self.id_number)

    @property
    def grade_scale(self) -> str:
        """The scale of the cadre's annual grade as they are today (`grade_scale`). A year's grade
        follows the pool the cadre was assessed in that year (`annual.scores.pool_scale`)."""
        return grade_scale(self.personnel_type, self.population, self.agency_category)

    @property
    def group_label(self) -> str:
        """Population, with the category for agency cadres: what the cadre is ranked within."""
        if self.population == Population.AGENCY and self.agency_category:
            return f"{self.get_population_display()} · {self.get_agency_category_display()}"
        return str(self.get_population_display())


# What a posting records: who the cadre is assessed with, and as what.
POSTING_FIELDS = (
    "population",
    "agency_category",
    "department",
    "village",
    "is_village_head",
    "is_middle_level",
    "position",
)


class Posting(models.Model):
    """A cadre's posting (任职记录): from which date to which date they were assessed with whom.

    A cadre's postings never overlap: appointment opens the first one, a transfer (a change of
    population, category, department, village, village-head flag, position or middle-level flag
    from a date) closes the current one the day before and opens the next, leaving closes the
    current one on the day. Who is assessed in a month is read from here (`selectors.roster`),
    never from the cadre's current fields. Written only by `people.services`.
    """

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="postings")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="postings")  # part of its record
    starts_on = models.DateField(_("in post from"))
    ends_on = models.DateField(_("in post until"), null=True, blank=True)
    population = models.CharField(_("population"), max_length=16, choices=Population)
    agency_category = models.CharField(
        _("agency-cadre category"), max_length=24, choices=AgencyCategory, blank=True
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="postings"
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="postings"
    )
    is_village_head = models.BooleanField(_("village head"), default=False)
    is_middle_level = models.BooleanField(_("middle-level cadre"), default=False)
    position = models.CharField(_("position"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cadre", "starts_on"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [models.Index(fields=["town", "starts_on"], name="posting_town_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="posting_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(ends_on__isnull=True), name="posting_one_open_per_cadre"
            ),
            models.UniqueConstraint(fields=["cadre", "starts_on"], name="posting_one_start_per_day"),
            models.CheckConstraint(
                condition=(Q(population=Population.AGENCY) & ~Q(agency_category=""))
                | (~Q(population=Population.AGENCY) & Q(agency_category="")),
                name="posting_category_iff_agency",
            ),
            models.CheckConstraint(
                condition=~Q(population=Population.VILLAGE) | Q(village__isnull=False),
                name="posting_village_cadre_has_village",
            ),
            models.CheckConstraint(
                condition=~Q(is_village_head=True) | Q(population=Population.VILLAGE),
                name="posting_village_head_is_village_cadre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.starts_on}–{self.ends_on or ''}"

    @classmethod
    def opening(cls, cadre: Cadre, starts_on) -> "Posting":
        """An unsaved posting of `cadre` from `starts_on` with the cadre's current facts."""
        return cls(
            town_id=cadre.town_id,
            cadre=cadre,
            starts_on=starts_on,
            **{field: getattr(cadre, field) for field in POSTING_FIELDS},
        )

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def workplace(self) -> Department | Village | None:
        return self.village if self.population == Population.VILLAGE else self.department

    @property
    def group_label(self) -> str:
        if self.population == Population.AGENCY and self.agency_category:
            return f"{self.get_population_display()} · {self.get_agency_category_display()}"
        return str(self.get_population_display())

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import SORT_ORDER_MAX, DateField, TextField, WholeNumberField
from kaoping.core.text import digit_string, person_name

from . import idnumbers
from .models import (
    AgencyCategory,
    Cadre,
    Department,
    DepartmentKind,
    Gender,
    PersonnelType,
    Population,
    Town,
    Village,
)
from .services import (
    TRANSFER_FIELDS,
    CadreData,
    cadre_problems,
    current_posting,
    default_in_post_from,
    transfer_problem,
)


class CadreForm(forms.Form):
    name = TextField(label=_("Name"), max_length=40)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    id_number = TextField(label=_("ID number"), max_length=18, min_length=18)
    phone = TextField(label=_("Mobile phone"), required=False)
    population = forms.ChoiceField(label=_("Population"), choices=[("", "—"), *Population.choices])
    agency_category = forms.ChoiceField(
        label=_("Agency-cadre category"),
        choices=[("", "—"), *AgencyCategory.choices],
        required=False,
        help_text=_("Agency cadres only."),
    )
    position = TextField(label=_("Position"), max_length=60)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label="—"
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=Village.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Village cadres only."),
    )
    is_middle_level = forms.BooleanField(label=_("Middle-level cadre (head of a department)"), required=False)
    is_village_head = forms.BooleanField(label=_("Village head (村委主要负责人)"), required=False)
    personnel_type = forms.ChoiceField(
        label=_("Personnel type"),
        choices=PersonnelType.choices,
        required=False,
        help_text=_(
            "Decides the words of the annual grade. Not stated: civil servant for leadership members and "
            "established staff, the public-institution words for everyone else."
        ),
    )
    effective_from = DateField(
        label=_("In post from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The first day the cadre is counted in this post. A month's ranking takes the people in "
            "post on its first day, so from the 1st they count for that month."
        ),
    )

    def __init__(self, *args, town: Town, cadre: Cadre | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.town = town
        self.cadre = cadre
        self._fit_effective_from()
        # Inactive units stay choosable only for the cadre already in them.
        departments = Department.objects.filter(town=town, is_active=True)
        villages = Village.objects.filter(town=town, is_active=True)
        if cadre is not None:
            departments = departments | Department.objects.filter(pk=cadre.department_id)
            villages = villages | Village.objects.filter(pk=cadre.village_id)
        self.fields["department"].queryset = departments.distinct()
        self.fields["village"].queryset = villages.distinct()

    def clean_name(self):
        return person_name(self.cleaned_data["name"])  # 曲　鑫 is 曲鑫, as the import stores it

    def clean_id_number(self):
        return idnumbers.normalize(digit_string(self.cleaned_data["id_number"]))

    def clean_phone(self):
        phone = digit_string(self.cleaned_data["phone"])
        if phone and not re.fullmatch(r"1[0-9]{10}", phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number."))
        return phone

    def clean(self):
        values = super().clean()
        if self.errors:
            return values
        for field, message in cadre_problems(
            town=self.town, data=self.data_object(), cadre=self.cadre
        ).items():
            self.add_error(field if field in self.fields else None, message)
        if problem := self._effective_from_problem():
            self.add_error("effective_from", problem)
        return values

    def _fit_effective_from(self) -> None:
        """New cadre: when they take up the post. Existing cadre: from when a change counts."""
        field = self.fields["effective_from"]
        if self.cadre is None:
            field.initial = default_in_post_from()
            return
        self.posting = current_posting(self.cadre)
        field.label = _("Change takes effect on")
        field.help_text = _(
            "Needed when the population, category, department, village or village head changes: "
            "the months before this date keep the cadre where they were. A month's ranking takes "
            "the post held on its first day, so a change from the 1st counts for that month, a "
            "change from any other day from the next month."
        )

    def _effective_from_problem(self) -> str | None:
        if self.cadre is None or getattr(self, "posting", None) is None:
            return None
        moved = any(self.cleaned_data.get(f) != getattr(self.cadre, f) for f in TRANSFER_FIELDS)
        return transfer_problem(
            self.cadre, self.posting, self.cleaned_data.get("effective_from"), required=moved
        )

    def data_object(self) -> CadreData:
        return CadreData.from_mapping(self.cleaned_data)

    @classmethod
    def initial_for(cls, cadre: Cadre) -> dict:
        return {name: getattr(cadre, name) for name in cls.base_fields if name != "effective_from"}


class PostingDateForm(forms.Form):
    """The date a cadre leaves service or comes back; blank means today."""

    on = DateField(required=False)


class DepartmentForm(forms.Form):
    name = TextField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartmentKind.choices)
    sort_order = WholeNumberField(label=_("Display order"), min_value=0, max_value=SORT_ORDER_MAX, initial=0)


class VillageForm(forms.Form):
    name = TextField(label=_("Name"), max_length=60)
    sort_order = WholeNumberField(label=_("Display order"), min_value=0, max_value=SORT_ORDER_MAX, initial=0)


class TownForm(forms.ModelForm):
    class Meta:
        model = Town
        fields = ["name", "slug", "city", "is_active", "results_disclosure"]
        field_classes = {"name": TextField, "city": TextField}
        widgets = {"results_disclosure": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older form, a script): the town keeps its setting, a new town gets the default.
        self.fields["results_disclosure"].required = False

    def clean_results_disclosure(self) -> str:
        return self.cleaned_data["results_disclosure"] or self.instance.results_disclosure


class CadreFilterForm(forms.Form):
    """The filters of the cadre list; every field optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or position")}),
    )
    population = forms.ChoiceField(
        label=_("Population"), required=False, choices=[("", _("All populations")), *Population.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *AgencyCategory.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    village = forms.ModelChoiceField(
        label=_("Village"), required=False, queryset=Village.objects.none(), empty_label=_("All villages")
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Any role")),
            ("middle", _("Middle-level cadres")),
            ("head", _("Village heads")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("In service")),
            ("inactive", _("Left service")),
            ("all", _("All")),
        ],
    )

    def __init__(self, *args, town: Town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(town=town)
        self.fields["village"].queryset = Village.objects.filter(town=town)

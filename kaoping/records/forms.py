from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import DateField, TextField, WholeNumberField
from kaoping.files.forms import AttachmentsField
from kaoping.people.models import Cadre, Department, Population, Village

from .models import DecisionKind, Heading

TEXT_MAX = 4000


class RecordForm(forms.Form):
    """The five headings: for each, what was achieved, or "nothing notable", and files to add."""

    def __init__(self, *args, attachments=None, **kwargs):
        super().__init__(*args, **kwargs)
        for heading, label in Heading.choices:
            self.fields[f"text_{heading}"] = TextField(
                label=label,
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"none_{heading}"] = forms.BooleanField(
                label=_("Nothing notable (无突出事项)"), required=False
            )
            self.fields[f"files_{heading}"] = AttachmentsField(label=_("Attachments"))
            self.fields[f"remove_{heading}"] = forms.MultipleChoiceField(
                label=_("Remove"),
                required=False,
                choices=[(str(a.pk), a.original_name) for a in (attachments or {}).get(heading, [])],
                widget=forms.CheckboxSelectMultiple,
            )

    def headings(self):
        """(heading, label, text field, none field, files field, remove field) for the template."""
        return [
            (h, label, self[f"text_{h}"], self[f"none_{h}"], self[f"files_{h}"], self[f"remove_{h}"])
            for h, label in Heading.choices
        ]


class SettingsForm(forms.Form):
    deadline_day = WholeNumberField(
        label=_("Deadline: day of the month"),
        max_digits=2,
        min_value=1,
        max_value=28,
        help_text=_("Records of a month are due on this day of the same month (1 to 28)."),
    )
    weekend_moves_to_monday = forms.BooleanField(
        label=_("A deadline on a Saturday or Sunday moves to the next Monday"), required=False
    )


class AreaForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader in charge"), queryset=Cadre.objects.none())
    unit = forms.ChoiceField(label=_("Department or village"))
    starts_on = DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Cadre.objects.filter(
            town=town, population=Population.LEADERSHIP, is_active=True
        ).order_by("name")
        departments = [(f"d{d.pk}", d.name) for d in Department.objects.filter(town=town, is_active=True)]
        villages = [(f"v{v.pk}", v.name) for v in Village.objects.filter(town=town, is_active=True)]
        self.fields["unit"].choices = [
            (_("Departments"), departments),
            (_("Villages"), villages),
        ]
        self.town = town

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        model = Department if value.startswith("d") else Village
        return model.objects.get(town=self.town, pk=int(value[1:]))


class ReturnForm(forms.Form):
    reason = TextField(
        label=_("Why it is returned"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting's decision"), choices=DecisionKind.choices)
    citation = TextField(
        label=_("Citation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an exemplary case: what makes it exemplary."),
    )
    decided_on = DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ArchiveForm(forms.Form):
    meeting_on = DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

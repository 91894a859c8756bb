from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import (
    DateField,
    ModelMultipleChoiceField,
    NumberField,
    TextField,
)
from kaoping.people.models import Cadre, Department

from .models import Quality, ScoringRules, Source, Urgency


class ItemForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    title = TextField(label=_("Title"), max_length=120)
    requirements = TextField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.none(), required=False
    )
    owners = ModelMultipleChoiceField(label=_("Owners"), queryset=Cadre.objects.none(), required=False)
    co_owners = ModelMultipleChoiceField(label=_("Co-owners"), queryset=Cadre.objects.none(), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    assigned_on = DateField(label=_("Assigned on"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(town=town, is_active=True)
        cadres = Cadre.objects.filter(town=town, is_active=True).order_by("name")
        self.fields["owners"].queryset = cadres
        self.fields["co_owners"].queryset = cadres


class MoveForm(forms.Form):
    to = TextField()
    text = TextField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = TextField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    quality = forms.ChoiceField(required=False, choices=[("", "—"), *Quality.choices])


class NoteForm(forms.Form):
    text = TextField(label=_("Follow-up note"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    deadline = DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = TextField(label=_("Reason for the extension"), max_length=500)


class RulesForm(forms.ModelForm):
    class Meta:
        model = ScoringRules
        fields = ["on_time", "late", "per_send_back", "excellent", "good", "fair", "poor", "co_owner_share"]
        field_classes = dict.fromkeys(fields, NumberField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        share = self.fields["co_owner_share"]
        share.min_value, share.max_value = 0, 100
        share.validators += [MinValueValidator(0), MaxValueValidator(100)]
        share.widget.attrs.update(min=0, max=100)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

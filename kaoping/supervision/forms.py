from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import (
    DateField,
    ModelMultipleChoiceField,
    NumberField,
    TextField,
    WholeNumberField,
    formfield_for,
)
from kaoping.people.models import Cadre, Department
from kaoping.scoring.models import Period, PeriodStatus

from .highlights import DEFAULT_COUNT
from .models import Bulletin, Item, Quality, ScoringRules, Source, Urgency


class MonthChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Period) -> str:
        return f"{obj.month:%Y-%m}"


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
    reason = TextField(label=_("Reason"), max_length=500)


class BulletinForm(forms.ModelForm):
    # Not stored: what the first draft of the text is written from (see `selectors.draft_text`).
    results_month = MonthChoiceField(
        label=_("Ranking highlights from the month"),
        queryset=Period.objects.none(),
        required=False,
        empty_label=_("No ranking highlights"),
        help_text=_("Published months only: the top and the bottom of each ranking, with their scores."),
    )
    highlights_count = WholeNumberField(
        label=_("How many at the top and at the bottom"), min_value=1, max_value=10, initial=DEFAULT_COUNT
    )

    class Meta:
        model = Bulletin
        fields = [
            "kind",
            "period_label",
            "title",
            "body",
            "issuer",
            "report_to",
            "send_to",
            "issue_to",
            "copies",
            "items",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 16}), "items": forms.CheckboxSelectMultiple}
        field_classes = {
            name: TextField
            for name in ("period_label", "title", "body", "issuer", "report_to", "send_to", "issue_to")
        } | {"copies": WholeNumberField}
        formfield_callback = staticmethod(formfield_for)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(town=town).order_by("-deadline")
        self.fields["items"].required = False
        self.fields["body"].required = False
        self.fields["results_month"].queryset = Period.objects.filter(
            town=town, status=PeriodStatus.PUBLISHED
        ).order_by("-month")
        self.fields["highlights_count"].required = False
        self.order_fields(
            ["kind", "period_label", "title", "results_month", "highlights_count", "items", "body"]
        )


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

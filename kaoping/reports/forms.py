"""The bulletin form: a bulletin may quote the top and bottom of a published month's rankings, so it
reads the months and the results, and lives with the reports (the Bulletin model stays in supervision)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import TextField, WholeNumberField, formfield_for
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.supervision.models import Bulletin, Item

from .highlights import DEFAULT_COUNT


class MonthChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Period) -> str:
        return f"{obj.month:%Y-%m}"


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

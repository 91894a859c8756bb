from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import (
    DateField,
    DateTimeField,
    ModelMultipleChoiceField,
    NumberField,
    TextField,
    WholeNumberField,
)
from kaoping.engine.periods import quarter_of
from kaoping.people.models import Cadre, Town

from .models import DEFAULT_SCALE, DEFAULT_WEIGHTS, Grade, RaterKind, SubItem
from .selectors import target_groups
from .services import ClassSpec


class RoundForm(forms.Form):
    year = WholeNumberField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    title = TextField(label=_("Title"), max_length=100, required=False)
    held_on = DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_at = DateTimeField(
        label=_("Codes expire at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. Closing the round refuses further ballots in any case."),
    )
    groups = forms.MultipleChoiceField(
        label=_("Evaluate these groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "The quarter's cadres: everyone assessed in any of its three months (in post on a month's "
            "first day, or appointed during it), in the group of their posting then; a cadre who left "
            "before the quarter is not evaluated, one appointed during it is. The quarter's democratic "
            "score counts toward each of its monthly results, so whoever is ranked in one of them is rated."
        ),
    )
    cadres = ModelMultipleChoiceField(
        label=_("… and these cadres"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Only cadres assessed in the quarter can be chosen; others are refused by name."),
    )
    sub_items = forms.MultipleChoiceField(
        label=_("Also rate these sub-items"),
        choices=SubItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    key_holders = WholeNumberField(
        label=_("Tally key holders"),
        initial=3,
        min_value=1,
        max_value=9,
        help_text=_("Each keeps one share of the key that opens the ballots, e.g. the discipline member."),
    )
    key_threshold = WholeNumberField(
        label=_("Shares needed to close"),
        initial=2,
        min_value=1,
        max_value=9,
        help_text=_("Fewer than all, so that one lost share does not lose the round."),
    )

    def __init__(self, *args, town: Town, **kwargs) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year, "quarter": quarter_of(today), "held_on": today})
        super().__init__(*args, **kwargs)
        self.town = town
        self.fields["groups"].choices = target_groups()
        # Every cadre of the town, those who have left too: a past quarter's round may need them.
        self.fields["cadres"].queryset = Cadre.objects.filter(town=town).in_display_order()
        for grade, value in DEFAULT_SCALE.items():
            self.fields[f"scale_{grade}"] = NumberField(
                label=Grade(grade).label, initial=value, min_value=0, max_value=100, decimal_places=2
            )
        for kind, weight in DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{kind}"] = NumberField(
                label=_("Weight (%)"), initial=weight, min_value=0, max_value=100, decimal_places=2
            )
            self.fields[f"codes_{kind}"] = WholeNumberField(
                label=_("Codes"), initial=0, min_value=0, max_value=2000
            )

    def scale_fields(self):
        return [self[f"scale_{g}"] for g in DEFAULT_SCALE]

    def class_rows(self):
        return [(RaterKind(k).label, self[f"weight_{k}"], self[f"codes_{k}"]) for k in DEFAULT_WEIGHTS]

    def scale(self) -> dict[str, Decimal]:
        return {g: self.cleaned_data[f"scale_{g}"] for g in DEFAULT_SCALE}

    def classes(self) -> list[ClassSpec]:
        return [
            ClassSpec(k, self.cleaned_data[f"weight_{k}"], self.cleaned_data[f"codes_{k}"])
            for k in DEFAULT_WEIGHTS
        ]

    def clean(self):
        data = super().clean()
        holders, threshold = data.get("key_holders"), data.get("key_threshold")
        if holders is not None and threshold is not None:
            if threshold > holders:
                self.add_error("key_threshold", _("Closing cannot need more shares than there are holders."))
            elif threshold == 1 and holders > 1:
                self.add_error("key_threshold", _("With several holders, closing needs at least 2 shares."))
        return data

    def clean_held_on(self) -> date:
        return self.cleaned_data["held_on"]

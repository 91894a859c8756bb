from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaoping.core import spreadsheets
from kaoping.core.forms import NumberField, TextField, WholeNumberField
from kaoping.people.models import Population

from . import rules, services
from .models import (
    AdjustmentKind,
    Category,
    Indicator,
    ItemKind,
    RuleKind,
    Scheme,
    TieBreak,
    VetoEffect,
)

MONTH_CHOICES = [(number, name) for number, name in MONTHS.items()]
TIE_BREAK_SLOTS = 4


def _points(label, **extra) -> NumberField:
    return NumberField(
        label=label, max_digits=6, decimal_places=2, min_value=Decimal(0), required=False, **extra
    )


def month_field(label, **extra) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=MONTH_CHOICES, coerce=int, **extra)


class SchemeCreateForm(forms.Form):
    year = WholeNumberField(label=_("Year"), min_value=2000, max_value=2100)
    population = forms.ChoiceField(label=_("Population"), choices=Population.choices)
    name = TextField(
        label=_("Scheme name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for e.g. “2026 Agency cadre scheme”."),
    )
    copy_previous = forms.BooleanField(
        label=_("Start from last year's scheme of the same population"),
        required=False,
        initial=True,
        help_text=_(
            "Copies its settings, categories, indicators and bonus and deduction reasons; the weights in "
            "force in last December become this January's."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class SchemeSettingsForm(forms.Form):
    name = TextField(label=_("Scheme name"), max_length=100)
    scale = NumberField(
        label=_("Full marks"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("100 (百分制) by default: performance is expressed out of this."),
    )
    democratic_percent = NumberField(
        label=_("Democratic-evaluation share (%)"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text=_(
            "How much the quarterly democratic evaluation counts in the result; the article uses 20%."
        ),
    )
    bonus_cap_month = _points(_("Bonus cap per month"), help_text=_("Empty: no cap. E.g. 1."))
    bonus_cap_year = _points(_("Bonus cap per year"), help_text=_("Empty: no cap. E.g. 3."))
    deduction_cap_month = _points(_("Deduction cap per month"), help_text=_("Empty: no cap."))
    deduction_cap_year = _points(_("Deduction cap per year"), help_text=_("Empty: no cap."))

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *TieBreak.choices]
        for slot in range(1, TIE_BREAK_SLOTS + 1):
            self.fields[f"tie_break_{slot}"] = forms.ChoiceField(
                label=_("Tie-break %(number)d") % {"number": slot}, choices=choices, required=False
            )
        if not scheme.is_draft:
            for name, field in self.fields.items():
                field.disabled = name != "name"

    @classmethod
    def initial_for(cls, scheme: Scheme) -> dict[str, Any]:
        initial = {name: getattr(scheme, name) for name in services.SCHEME_FIELDS if name != "tie_breaks"}
        for name in (
            "scale",
            "bonus_cap_month",
            "bonus_cap_year",
            "deduction_cap_month",
            "deduction_cap_year",
        ):
            initial[name] = rules.number(initial[name])
        initial["democratic_percent"] = rules.number(scheme.democratic_share * 100)
        for slot, tie_break in enumerate(scheme.tie_breaks, start=1):
            initial[f"tie_break_{slot}"] = tie_break
        return initial

    def clean(self):
        values = super().clean()
        chosen = [values.get(f"tie_break_{slot}") for slot in range(1, TIE_BREAK_SLOTS + 1)]
        chosen = [c for c in chosen if c]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("Each tie-break may appear once."))
        return values

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in services.SCHEME_FIELDS if name in data}
        values["democratic_share"] = data["democratic_percent"] / 100
        values["tie_breaks"] = [
            data[f"tie_break_{slot}"]
            for slot in range(1, TIE_BREAK_SLOTS + 1)
            if data.get(f"tie_break_{slot}")
        ]
        return values


class CategoryForm(forms.Form):
    name = TextField(label=_("Category name"), max_length=60, help_text=_("E.g. 党的建设."))
    sort_order = WholeNumberField(label=_("Display order"), min_value=0, max_value=32767, initial=0)


class IndicatorForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), empty_label="—")
    code = TextField(label=_("Number"), max_length=12, help_text=_("As printed in the scheme, e.g. 1.3."))
    name = TextField(label=_("Indicator name"), max_length=100)
    standard = TextField(
        label=_("Scoring standard"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("评分标准及规则, as published to the cadres."),
    )
    max_score = NumberField(label=_("Maximum"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    rule_kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices)
    target = NumberField(
        label=_("Target"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        help_text=_("The value that earns the maximum."),
    )
    points_each = _points(_("Points per occurrence"))
    cap = _points(_("Cap"), help_text=_("The most points the count can move; empty: the maximum."))
    adds = forms.BooleanField(
        label=_("Occurrences add points (off: each deducts from the maximum)"), required=False
    )
    ladder_step = _points(
        _("Points lost per place"), help_text=_("1st gets the maximum, each place below loses this much.")
    )
    proportional = forms.BooleanField(
        label=_("Proportional to the best (maximum × value ÷ best value)"), required=False
    )
    veto_effect = forms.ChoiceField(
        label=_("Veto effect"), choices=[("", "—"), *VetoEffect.choices], required=False
    )
    item_kind = forms.ChoiceField(label=_("Item kind"), choices=ItemKind.choices)
    is_fixed = forms.BooleanField(
        label=_("Fixed indicator (always in: Party building, credit system, public demands)"), required=False
    )
    sort_order = WholeNumberField(label=_("Display order"), min_value=0, max_value=32767, initial=0)
    weight = _points(
        _("Weight"), help_text=_("Optional: the indicator's first weight, from the month below.")
    )
    weight_from = month_field(_("Weight from"), required=False)

    def __init__(self, *args, scheme: Scheme, indicator: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.indicator = indicator
        self.fields["category"].queryset = Category.objects.filter(scheme=scheme)
        if indicator is not None:
            del self.fields["weight"]
            del self.fields["weight_from"]
            if not scheme.is_draft:
                for name in services.INDICATOR_FROZEN_WHEN_PUBLISHED:
                    self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict[str, Any]:
        return {name: getattr(indicator, name) for name in services.INDICATOR_FIELDS}

    def clean(self):
        values = super().clean()
        if self.errors:
            return values
        for field, message in services.indicator_problems(
            scheme=self.scheme, data=self.data_object(), indicator=self.indicator
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return values

    def data_object(self) -> services.IndicatorData:
        return services.IndicatorData.from_mapping(self.cleaned_data)

    def weight_month(self) -> date:
        return self.scheme.month(self.cleaned_data.get("weight_from") or 1)


class WeightsForm(forms.Form):
    """Every indicator's weight from one month on; the initial values are those in force that month."""

    note = TextField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("Kept in the audit log, e.g. the meeting that decided it."),
    )

    def __init__(self, *args, indicators: list[Indicator], in_force: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            current = in_force.get(indicator.pk)
            self.fields[self.key(indicator)] = NumberField(
                label=str(indicator),
                max_digits=6,
                decimal_places=2,
                min_value=Decimal(0),
                required=current is not None,
                initial=rules.number(current),
                error_messages={
                    "required": _("Enter a weight; 0 takes the indicator out from this month on.")
                },
                widget=forms.TextInput(
                    attrs={
                        "data-category": indicator.category_id,
                        "inputmode": "decimal",
                        "class": "text-end",
                    }
                ),
            )

    @staticmethod
    def key(indicator: Indicator) -> str:
        return f"weight_{indicator.pk}"

    def weights(self) -> dict[int, Decimal | None]:
        return {
            int(name.removeprefix("weight_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }


class ReasonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bonus or deduction"), choices=AdjustmentKind.choices)
    name = TextField(label=pgettext_lazy("adjustment catalogue", "Reason"), max_length=100)
    standard = TextField(
        label=_("Standard"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("When the bonus or deduction applies, and how much by level or severity."),
    )
    default_points = NumberField(
        label=_("Usual points"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    sort_order = WholeNumberField(label=_("Display order"), min_value=0, max_value=32767, initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{spreadsheets.XLSX_CONTENT_TYPE}"}),
    )
    weight_from = month_field(_("The weights apply from"), initial=1)

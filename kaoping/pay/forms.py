from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import NumberField, TextField

from . import inputs
from .models import (
    COEFFICIENT_DIGITS,
    COEFFICIENT_FIELDS,
    COEFFICIENT_PLACES,
    POOL_DIGITS,
    POOL_PLACES,
    Method,
    PayPlan,
    coefficient_values,
)


class PlanForm(forms.Form):
    """A plan's pool and method; every number goes through the project's one parser."""

    pool = NumberField(
        label=_("Pool (yuan)"),
        min_value=Decimal(0),
        max_digits=POOL_DIGITS,
        decimal_places=POOL_PLACES,
        help_text=_("The whole amount to share, in yuan to the cent, e.g. 120000 or 120000.50."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, widget=forms.RadioSelect)
    floor = NumberField(
        label=_("Floor (annual score)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("With the method “above a floor”: a score at or below it earns nothing."),
    )
    by_year_share = forms.BooleanField(
        label=_("Scale each weight by the share of the year assessed"),
        required=False,
        help_text=_("The member's months with a published total over the year's published months."),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # One field per grade level, named as the plan's settings name it, after the method.
        for level, name in enumerate(COEFFICIENT_FIELDS):
            self.fields[name] = NumberField(
                label=_("Coefficient of %(grade)s") % {"grade": inputs.level_words(kind, level)},
                min_value=Decimal(0),
                max_digits=COEFFICIENT_DIGITS,
                decimal_places=COEFFICIENT_PLACES,
            )
        self.order_fields(["pool", "method", *COEFFICIENT_FIELDS])

    @staticmethod
    def initial_for(plan: PayPlan) -> dict:
        return {
            "pool": plan.pool,
            "method": plan.method,
            **coefficient_values(plan.coefficients),
            "floor": plan.floor,
            "by_year_share": plan.by_year_share,
        }

    def values(self) -> dict:
        return dict(self.cleaned_data)


class ReturnForm(forms.Form):
    reason = TextField(
        label=_("Why the plan is returned"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

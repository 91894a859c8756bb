from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import NumberField, TextField, WholeNumberField
from kaoping.engine import grading
from kaoping.people.models import Cadre, Town

from . import scores
from .models import CaseKind, CollectiveMethod, Formula, Grade, UndeterminedReason, YearSettings

LEVEL_CHOICES = [
    (0, _("Excellent (优秀)")),
    (1, _("Competent or qualified (称职 / 合格)")),
    (2, _("Basically competent or qualified (基本称职 / 基本合格)")),
    (3, _("Incompetent or unqualified (不称职 / 不合格)")),
]
VETO_CHOICES = LEVEL_CHOICES[1:]


class SettingsForm(forms.Form):
    formula = forms.ChoiceField(label=_("Annual score"), choices=Formula.choices)
    share_percent = NumberField(
        label=_("Excellent (优秀) share of each pool (%)"),
        min_value=Decimal(0),
        max_value=grading.MAX_SHARE * 100,
        max_digits=4,
        decimal_places=0,
        help_text=_("Default 20, rounded down per pool; up to 25 only once the main leader approves it."),
    )
    level1_from = NumberField(
        label=_("Competent or qualified (称职 / 合格) from"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
    )
    level2_from = NumberField(
        label=_("Basically competent or qualified (基本称职 / 基本合格) from; below: 不称职 / 不合格"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
    )
    excellent_minimum = NumberField(
        label=_("Excellent (优秀) needs at least (optional)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        required=False,
    )
    pools = forms.MultipleChoiceField(
        label=_("Pools graded"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every pool."),
    )
    collective_method = forms.ChoiceField(
        label=_("A village collective's score"),
        choices=CollectiveMethod.choices,
        help_text=_(
            "How the advanced-collective honour ranks the villages: from the annual scores of their "
            "cadres, or by each village's own annual assessment (村级集体年度考核), whose scores the "
            "office enters or imports on the village collectives page."
        ),
    )
    agency_honours = WholeNumberField(
        label=_("Excellent agency cadres: places (blank: every 优秀)"),
        min_value=0,
        max_value=999,
        required=False,
    )
    head_honours = WholeNumberField(
        label=_("Excellent village heads: places (blank: every 优秀)"),
        min_value=0,
        max_value=999,
        required=False,
    )
    collective_honours = WholeNumberField(
        # xgettext:no-python-format
        label=_("Advanced village collectives: places (blank: 20% of the villages, rounded down)"),
        min_value=0,
        max_value=999,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pools"].choices = [(k, str(label)) for k, label in scores.POOLS]

    @classmethod
    def initial_for(cls, settings: YearSettings) -> dict:
        return {
            "formula": settings.formula,
            "share_percent": (settings.excellent_share * 100).quantize(Decimal(1)),
            "level1_from": settings.level1_from,
            "level2_from": settings.level2_from,
            "excellent_minimum": settings.excellent_minimum,
            "pools": settings.pools,
            "collective_method": settings.collective_method,
            "agency_honours": settings.agency_honours,
            "head_honours": settings.head_honours,
            "collective_honours": settings.collective_honours,
        }

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "formula": data["formula"],
            "excellent_share": (data["share_percent"] / 100).quantize(Decimal("0.01")),
            "level1_from": data["level1_from"],
            "level2_from": data["level2_from"],
            "excellent_minimum": data["excellent_minimum"],
            "pools": list(data["pools"]),
            "collective_method": data["collective_method"],
            "agency_honours": data["agency_honours"],
            "head_honours": data["head_honours"],
            "collective_honours": data["collective_honours"],
        }


class GradeForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Grade"), coerce=int, choices=LEVEL_CHOICES)
    reason = TextField(
        label=_("Reason for the change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, scale: str = grading.OTHER, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (level, Grade(grading.grade_code(scale or grading.OTHER, level)).label)
            for level in grading.LEVELS
        ]


class CaseForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=Cadre.objects.none(), empty_label="—")
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    reason = forms.ChoiceField(
        label=_("Reason (undetermined case)"),
        choices=[("", "—"), *UndeterminedReason.choices],
        required=False,
    )
    veto_level = forms.TypedChoiceField(
        label=_("Grade locked at (veto)"),
        coerce=int,
        choices=[("", "—"), *VETO_CHOICES],
        required=False,
        empty_value=None,
    )
    detail = TextField(
        label=_("Details"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A veto: what it is for. An undetermined case for another reason: the reason."),
    )

    def __init__(self, *args, town: Town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.filter(town=town).in_display_order()

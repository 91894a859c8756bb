from django import forms
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import TextField, WholeNumberField

from .models import REASON_MAX


class ReasonForm(forms.Form):
    reason = TextField(
        label=_("Grounds"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong with the result, and why (at most 1,000 characters)."),
    )
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)


class RulesForm(forms.Form):
    publication_days = WholeNumberField(
        label=_("Publication window (working days)"),
        min_value=1,
        max_value=30,
        max_digits=2,
        help_text=_("Common practice: 5 working days. Weekends and public holidays are not counted."),
    )
    answer_days = WholeNumberField(
        label=_("Working days to answer an objection"),
        min_value=1,
        max_value=30,
        max_digits=2,
        help_text=_(
            "Counted from the day after the objection is raised, so that one raised on the window's last "
            "day still gets its answer in time. Common practice: 5 working days."
        ),
    )
    review_days = WholeNumberField(
        label=_("Days to ask for a review after confirmation"),
        min_value=1,
        max_value=365,
        max_digits=3,
        help_text=_("Civil Servant Law Art. 95: 30 days."),
    )
    decision_days = WholeNumberField(
        label=_("Days within which a review is decided"),
        min_value=1,
        max_value=365,
        max_digits=3,
        help_text=_("Civil Servant Law Art. 95: 30 days."),
    )

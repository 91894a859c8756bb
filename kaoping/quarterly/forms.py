from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import DateField, TextField, WholeNumberField
from kaoping.evaluation.models import Round
from kaoping.files.forms import AttachmentsField, MultipleFileInput
from kaoping.people.models import Cadre, Population

from . import rules
from .models import BOTTOM_MAX, MONTHS_MAX, Missing, RectificationStatus, VisitKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, rows: int = 4, **kwargs) -> TextField:
    return TextField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class RuleForm(forms.Form):
    who = forms.ChoiceField(label=_("Who is ranked"), choices=())
    bottom = WholeNumberField(label=_("Bottom places (K)"), min_value=1, max_value=BOTTOM_MAX)
    consecutive = forms.BooleanField(
        label=_("In each of consecutive months (otherwise: in the quarter's last published month)"),
        required=False,
    )
    months = WholeNumberField(label=_("Consecutive months (N)"), min_value=1, max_value=MONTHS_MAX)
    missing = forms.ChoiceField(label=_("A month without a result"), choices=Missing.choices)
    active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = rules.pool_choices()

    def values(self) -> dict:
        population, _sep, pool = self.cleaned_data["who"].partition(":")
        return {
            "population": Population(population),
            "pool": pool,
            **{k: self.cleaned_data[k] for k in ("bottom", "consecutive", "months", "missing", "active")},
        }


class MeetingForm(forms.Form):
    year = WholeNumberField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    title = TextField(label=_("Title"), max_length=100)
    held_on = DateField(label=_("Date"), widget=DATE)
    place = TextField(label=_("Place"), max_length=100)
    evaluation_round = forms.ModelChoiceField(
        label=_("Democratic-evaluation round of the quarter"), queryset=Round.objects.none(), required=False
    )

    def __init__(self, *args, town, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation_round"].queryset = Round.objects.filter(town=town).order_by(
            "-year", "-quarter"
        )
        if editing:
            del self.fields["year"], self.fields["quarter"]


def _files_field(label, accept: str, help_text) -> AttachmentsField:
    return AttachmentsField(
        label=label, widget=MultipleFileInput(attrs={"accept": accept}), help_text=help_text
    )


def _photos():
    return _files_field(_("Photos"), ".jpg,.jpeg,.png", _("Photos (JPEG, PNG), several at once."))


def _paper(label):
    return _files_field(
        label, ".pdf,.docx,.jpg,.jpeg,.png", _("PDF, Word (.docx) or a photo of the page (JPEG, PNG).")
    )


class RemoveMixin:
    """A "take off" checkbox for each file attached (`attached`: the object's attachments)."""

    def add_remove(self, attached) -> None:
        self.fields["remove"] = forms.TypedMultipleChoiceField(
            label=_("Take off"),
            coerce=int,
            required=False,
            choices=[(a.pk, a.original_name) for a in attached],
            widget=forms.CheckboxSelectMultiple,
        )


class VisitForm(RemoveMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    name = TextField(label=_("Project or village"), max_length=100)
    note = _text(_("Note"), 2, max_length=2000, required=False)
    photos = _photos()

    def __init__(self, *args, attached=None, **kwargs):
        super().__init__(*args, **kwargs)
        if attached:
            self.add_remove(attached)


def _cadres(town):
    return Cadre.objects.filter(town=town, is_active=True).order_by("name")


class ReportForm(RemoveMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("Department head who reports"), queryset=Cadre.objects.none())
    text = _text(
        _("Report (述职)"),
        4,
        max_length=20000,
        required=False,
        help_text=_("Type the report, or attach it below, or both."),
    )
    files = _files_field(_("Report file"), ".pdf,.docx", _("The report as PDF or Word (.docx)."))
    comment_by = forms.ModelChoiceField(
        label=_("Leader who comments"), queryset=Cadre.objects.none(), required=False
    )
    comment = _text(
        _("Comment (点评)"),
        3,
        max_length=5000,
        required=False,
        help_text=_("Leave it empty to record no comment (or to remove one)."),
    )

    def __init__(self, *args, town, attached=None, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        heads = _cadres(town).filter(is_middle_level=True)
        if report is not None:  # the reporter stays choosable even if no longer in post
            heads = heads | Cadre.objects.filter(pk=report.cadre_id)
        self.fields["cadre"].queryset = heads.order_by("name")
        leaders = _cadres(town).filter(population=Population.LEADERSHIP)
        if report is not None and report.comment_by_id:
            leaders = leaders | Cadre.objects.filter(pk=report.comment_by_id)
        self.fields["comment_by"].queryset = leaders.order_by("name")
        if attached:
            self.add_remove(attached)

    def clean(self):
        data = super().clean()
        if data.get("comment") and not data.get("comment_by"):
            raise ValidationError(_("Say who made the comment."))
        return data


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), 2, max_length=2000)


class AddForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=Cadre.objects.none())
    reason = _text(_("Why, although the rules do not list them"), 2, max_length=2000)

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = _cadres(town)


class StatementForm(forms.Form):
    made_on = DateField(label=_("Date"), widget=DATE)
    text = _text(
        _("Statement (后进表态发言)"),
        4,
        max_length=20000,
        required=False,
        help_text=_("Type the statement, or attach it below, or both."),
    )
    files = _paper(_("Attachment"))


class StatementFilesForm(RemoveMixin, forms.Form):
    files = _paper(_("Attach"))

    def __init__(self, *args, attached=None, **kwargs):
        super().__init__(*args, **kwargs)
        if attached:
            self.add_remove(attached)


class RectificationForm(forms.Form):
    measures = _text(_("Measures"), 4, max_length=20000)
    deadline = DateField(label=_("Deadline"), widget=DATE)


class ProgressForm(forms.Form):
    written_on = DateField(label=_("Date"), widget=DATE)
    text = _text(_("Progress"), 2, max_length=5000)
    files = _paper(_("Attachment (optional)"))


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in RectificationStatus.choices if c[0] != RectificationStatus.OPEN],
        widget=forms.RadioSelect,
    )
    review = _text(_("Closing remarks"), 3, max_length=5000)

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaoping.core.forms import DateField
from kaoping.people.models import Town

from .models import AuditEntry
from .selectors import NO_TOWN, distinct_values, object_type_label

ISO_DATE = "%Y-%m-%d"  # what <input type="date"> reads, whatever the language


class EntryFilterForm(forms.Form):
    """The filters of the audit log; every field optional. Choices come from what the user may see."""

    NO_TOWN = NO_TOWN  # the entries outside any town: system events, logins of unknown accounts

    town = forms.ChoiceField(label=_("Town"), required=False)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_('The start of an action, such as "cadre."'),
        widget=forms.TextInput(attrs={"list": "audit-actions", "placeholder": "cadre."}),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = DateField(
        label=_("From"), required=False, widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    date_to = DateField(
        label=_("To"), required=False, widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Name of the object")}),
    )

    def __init__(
        self,
        *args,
        towns: QuerySet[Town],
        entries: QuerySet[AuditEntry],
        outside_towns: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [
            ("", _("All towns")),
            *((str(town.pk), town.name) for town in towns),
            *([(self.NO_TOWN, _("No town (system events)"))] if outside_towns else []),
        ]
        self.fields["object_type"].choices = [
            ("", _("All types")),
            *((t, object_type_label(t)) for t in distinct_values(entries, "object_type")),
        ]
        self.actions = distinct_values(entries, "action")

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.people.models import Cadre, Population, Town

from . import lockout, permissions
from .models import Role, User


class LoginForm(AuthenticationForm):
    """The login form. A locked-out login gets the lockout page instead (`lockout.lockout_response`)."""

    error_messages = {
        "invalid_login": gettext_lazy("The username or password is wrong."),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def clean(self):
        # Attempts at one account wait for each other, so that a burst is checked one by one. A wrong
        # password leaves the block normally: the counted failure must be committed, not rolled back.
        refusal = None
        with lockout.attempts_serialised(str(self.cleaned_data.get("username") or "")):
            try:
                cleaned = super().clean()
            except forms.ValidationError as exc:
                refusal = exc
        if refusal is not None:
            raise refusal
        return cleaned


class PasswordChangeForm(SetPasswordForm):
    """Change one's own password, giving the current one first."""

    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is wrong."), code="password_incorrect")
        return password

    def clean_new_password1(self):
        new = self.cleaned_data["new_password1"]
        if self.data.get("old_password") and new == self.data.get("old_password"):
            raise forms.ValidationError(_("Choose a password different from the current one."))
        return new


class UserForm(forms.Form):
    """An account of the town: who it is, which cadre it belongs to, which roles it holds."""

    username = forms.RegexField(
        label=gettext_lazy("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": gettext_lazy("Use letters, digits and . @ + - _ only.")},
    )
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=40, required=False)
    cadre = forms.ModelChoiceField(
        label=gettext_lazy("Cadre record"), queryset=Cadre.objects.none(), required=False
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in Role if r not in Role.city_wide() | {Role.CADRE}],
    )
    group_population = forms.ChoiceField(
        label=gettext_lazy("Population scored (for group leaders and scorers)"),
        required=False,
        choices=[("", "—"), *Population.choices],
    )
    is_active = forms.BooleanField(label=gettext_lazy("Account enabled"), required=False, initial=True)
    city_auditor = forms.BooleanField(
        label=gettext_lazy("Auditor of every town"),
        required=False,
        help_text=gettext_lazy(
            "Reads the audit log of every town and the entries of no town (logins of unknown accounts, "
            "lockouts, system events). Granted by the city administrator only."
        ),
    )

    def __init__(self, *args, town: Town, user: User | None = None, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.town = town
        self.instance = user
        # Nobody grants roles to themselves: their own account shows no role to tick. The auditor of
        # every town is granted by the city administrator only.
        self.own_account = user is not None and actor is not None and user.pk == actor.pk
        if self.own_account:
            del self.fields["roles"], self.fields["group_population"]
        if actor is None or permissions.city_auditor_refusal(actor, user) is not None:
            del self.fields["city_auditor"]
        cadres = Cadre.objects.filter(town=town, is_active=True)
        if user is not None and user.cadre_id:
            cadres = Cadre.objects.filter(town=town).filter(pk=user.cadre_id) | cadres
        self.fields["cadre"].queryset = cadres.order_by("name")
        if user is not None:
            self.fields["username"].disabled = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        if self.instance is None and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_cadre(self):
        cadre = self.cleaned_data["cadre"]
        if cadre is not None:
            taken = User.objects.filter(cadre=cadre)
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(_("Another account is already linked to this cadre."))
        return cadre

    def clean(self):
        data = super().clean()
        group_roles = {r.value for r in Role.for_population()}
        if group_roles & set(data.get("roles") or []) and not data.get("group_population"):
            self.add_error("group_population", _("Choose the population this group leader or scorer scores."))
        return data

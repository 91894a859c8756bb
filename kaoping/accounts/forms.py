from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.people.models import Cadre, Population, Town

from .models import Role, User


class LoginForm(AuthenticationForm):
    """The login form, which also tells a locked-out user until when."""

    error_messages = {
        "invalid_login": gettext_lazy("The username or password is wrong."),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and user.is_locked():
            until = formats.time_format(timezone.localtime(user.locked_until), "H:i")
            raise forms.ValidationError(
                _("Too many failed attempts: this account is locked until %(time)s.") % {"time": until},
                code="locked",
            )
        return super().clean()


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

    def __init__(self, *args, town: Town, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.town = town
        self.instance = user
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


class InitialPasswordForm(forms.Form):
    """A password an administrator sets; the user must replace it at the first login."""

    password = forms.CharField(
        label=gettext_lazy("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.user)
        return password

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.audit import versions
from kaoping.core.errors import DomainError

from . import lockout, services
from .forms import LoginForm, PasswordChangeForm, UserForm
from .models import Role, RoleAssignment, User
from .permissions import Action, account_administration_refusal, city_auditor_refusal, town_or_404
from .tokens import reset_tokens


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if notice := services.password_reset_notice_take(user=form.get_user()):
            by, at = notice
            messages.warning(
                self.request,
                _(
                    "Your password was reset by %(name)s on %(date)s. If you did not ask for it, "
                    "tell the city administrator."
                )
                % {
                    "name": by.username if by else "—",
                    "date": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                },
            )
        return response


login_view = LoginView.as_view()


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The owner chooses their own password with the one-time link an administrator handed over."""

    template_name = "accounts/password_set.html"
    token_generator = reset_tokens
    form_class = SetPasswordForm
    reset_url_token = "set"

    def form_valid(self, form):
        services.password_change(user=self.user, new_password=form.cleaned_data["new_password1"])
        messages.success(self.request, _("Your password has been set. Log in with it."))
        return redirect("accounts:login")


password_set_view = PasswordSetView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def _town_users(town, actor: User):
    """Accounts that hold a role in the town or belong to one of its cadres (and, for the city
    administrator who grants that role, the auditors of every town)."""
    belongs = Q(roles__town=town) | Q(cadre__town=town)
    if city_auditor_refusal(actor, None) is None:
        belongs |= Q(roles__role=Role.AUDITOR, roles__town__isnull=True)
    return (
        User.objects.filter(belongs)
        .distinct()
        .select_related("cadre")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=RoleAssignment.objects.filter(
                    Q(town=town) | Q(role=Role.AUDITOR, town__isnull=True)
                ),
                to_attr="town_roles",
            )
        )
        .order_by("username")
    )


@login_required
def user_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    users = list(_town_users(town, request.user))
    locked = lockout.locked_usernames([u.username for u in users])
    return render(request, "accounts/user_list.html", {"town": town, "users": users, "locked": locked})


@login_required
def user_edit(request: HttpRequest, town: str, pk: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town, request.user), pk=pk) if pk else None
    initial: dict = {"roles": []}
    if user is not None:
        assignments = [a for a in user.town_roles if a.town_id is not None]
        city_wide = [a for a in user.town_roles if a.town_id is None]
        initial = {
            "username": user.username,
            "display_name": user.display_name,
            "cadre": user.cadre,
            "roles": [a.role for a in assignments],
            "is_active": user.is_active,
            "group_population": next((a.population for a in assignments if a.population), ""),
        }
        initial["city_auditor"] = any(a.role == Role.AUDITOR for a in city_wide)
    form = UserForm(request.POST or None, town=town, user=user, actor=request.user, initial=initial)
    version = versions.page_version(request, user.version) if user else ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.user_save(
                actor=request.user,
                town=town,
                user=user,
                username=data["username"],
                display_name=data["display_name"],
                cadre=data["cadre"],
                # One's own account shows no role to tick: the roles stay as they are.
                roles=data["roles"] if "roles" in form.fields else initial["roles"],
                group_population=data.get("group_population", initial.get("group_population", "")),
                is_active=data["is_active"],
                city_auditor=data.get("city_auditor"),
                based_on=version if user else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if user is None:
                return _one_time_link_page(request, town, saved, services.one_time_link(saved), created=True)
            messages.success(request, _("Account %(name)s saved.") % {"name": saved.username})
            return redirect("accounts:user_list", town.slug)
    return render(
        request,
        "accounts/user_form.html",
        {"town": town, "form": form, "edited": user, "version": version},
    )


def _one_time_link_page(request: HttpRequest, town, user: User, path: str, *, created: bool) -> HttpResponse:
    """The one-time link, shown once and never cached."""
    response = render(
        request,
        "accounts/user_password.html",
        {"town": town, "edited": user, "link": request.build_absolute_uri(path), "created": created},
    )
    add_never_cache_headers(response)
    return response


@login_required
def user_password(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town, request.user), pk=pk)
    context = {
        "town": town,
        "edited": user,
        "refusal": account_administration_refusal(request.user, user, town),
    }
    if request.method == "POST" and context["refusal"] is None:
        try:
            path = services.user_reset_password(actor=request.user, town=town, user=user)
        except DomainError as exc:
            context["refusal"] = exc.message
        else:
            context["link"] = request.build_absolute_uri(path)
    response = render(request, "accounts/user_password.html", context)
    add_never_cache_headers(response)  # the link is shown once and must not stay in a cache
    return response


@require_POST
@login_required
def user_unlock_view(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town, request.user), pk=pk)
    try:
        services.user_unlock(actor=request.user, town=town, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s can log in again.") % {"name": user.username})
    return redirect("accounts:user_list", town.slug)

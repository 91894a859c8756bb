from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.core.errors import DomainError

from . import lockout, services
from .forms import InitialPasswordForm, LoginForm, PasswordChangeForm, UserForm
from .models import RoleAssignment, User
from .permissions import Action, town_or_404

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)


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


def _town_users(town):
    """Accounts that hold a role in the town or belong to one of its cadres."""
    return (
        User.objects.filter(Q(roles__town=town) | Q(cadre__town=town))
        .distinct()
        .select_related("cadre")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.filter(town=town), to_attr="town_roles")
        )
        .order_by("username")
    )


@login_required
def user_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    users = list(_town_users(town))
    locked = lockout.locked_usernames([u.username for u in users])
    return render(request, "accounts/user_list.html", {"town": town, "users": users, "locked": locked})


@login_required
def user_edit(request: HttpRequest, town: str, pk: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town), pk=pk) if pk else None
    initial = {}
    if user is not None:
        assignments = RoleAssignment.objects.filter(user=user, town=town)
        initial = {
            "username": user.username,
            "display_name": user.display_name,
            "cadre": user.cadre,
            "roles": [a.role for a in assignments],
            "is_active": user.is_active,
            "group_population": next((a.population for a in assignments if a.population), ""),
        }
    form = UserForm(request.POST or None, town=town, user=user, initial=initial)
    password_form = InitialPasswordForm(request.POST or None, prefix="pw") if user is None else None
    if request.method == "POST" and form.is_valid() and (password_form is None or password_form.is_valid()):
        data = form.cleaned_data
        try:
            saved = services.user_save(
                actor=request.user,
                town=town,
                user=user,
                username=data["username"],
                display_name=data["display_name"],
                cadre=data["cadre"],
                roles=data["roles"],
                group_population=data["group_population"],
                is_active=data["is_active"],
                initial_password=password_form.cleaned_data["password"] if password_form else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Account %(name)s saved.") % {"name": saved.username})
            return redirect("accounts:user_list", town.slug)
    return render(
        request,
        "accounts/user_form.html",
        {
            "town": town,
            "form": form,
            "password_form": password_form,
            "edited": user,
        },
    )


@login_required
def user_password(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town), pk=pk)
    form = InitialPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(
                actor=request.user, town=town, user=user, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            form.add_error("password", exc.message)
        else:
            messages.success(
                request,
                _("New initial password set for %(name)s; they must change it at login.")
                % {"name": user.username},
            )
            return redirect("accounts:user_list", town.slug)
    return render(request, "accounts/user_password.html", {"town": town, "form": form, "edited": user})


@require_POST
@login_required
def user_unlock_view(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_USERS)
    user = get_object_or_404(_town_users(town), pk=pk)
    try:
        services.user_unlock(actor=request.user, town=town, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s can log in again.") % {"name": user.username})
    return redirect("accounts:user_list", town.slug)

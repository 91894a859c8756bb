"""Writes to accounts: creating users, giving roles, passwords and unlocking. All audited.

Who may give which role or reset whose password is decided in `permissions.py`; these services ask it.
"""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kaoping.audit import versions
from kaoping.audit.services import record
from kaoping.core.errors import DomainError
from kaoping.people.models import Cadre, Town

from . import lockout, permissions
from .models import Role, RoleAssignment, User
from .tokens import reset_tokens


def _town_roles(user: User, town: Town) -> list[str]:
    return sorted(
        f"{a.role}:{a.population}" if a.population else a.role
        for a in RoleAssignment.objects.filter(user=user, town=town)
    )


@transaction.atomic
def user_save(
    *,
    actor: User,
    town: Town,
    user: User | None,
    username: str,
    display_name: str,
    cadre: Cadre | None,
    roles: list[str],
    group_population: str = "",
    is_active: bool = True,
    city_auditor: bool | None = None,
    based_on: int | None = None,
) -> User:
    """Create an account or change one, and set its roles in `town`.

    A new account has no password: the administrator hands its owner a one-time link
    (`one_time_link`) with which they choose their own, so nobody else ever knows it. Roles the user
    holds in other towns are left alone: an administrator manages their own town. `city_auditor`
    grants or removes the auditor's role over every town (the city administrator only; None leaves
    it as it is). A change is based on the version the page was loaded with (`based_on`, by default
    the one of `user` as held) and refused when the account changed since.
    """
    if cadre is not None and cadre.town_id != town.pk:
        raise DomainError(_("This cadre belongs to another town."))
    roles = sorted(set(roles))
    unknown = set(roles) - {r.value for r in Role if r not in Role.city_wide() | {Role.CADRE}}
    if unknown:
        raise DomainError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    creating = user is None
    if creating:
        user = User(username=username)
    before = (
        {}
        if creating
        else {
            "display_name": user.display_name,
            "cadre": user.cadre_id,
            "is_active": user.is_active,
            "roles": _town_roles(user, town),
            "city_auditor": _is_city_auditor(user),
        }
    )
    refusal = permissions.role_change_refusal(
        actor,
        None if creating else user,
        town,
        set(before.get("roles", [])),
        {f"{r}:{group_population}" if Role(r) in Role.for_population() else r for r in roles},
    )
    if refusal is None and not creating and user.is_active != is_active:
        refusal = permissions.account_administration_refusal(actor, user, town)
    if refusal is None and city_auditor is not None and city_auditor != before.get("city_auditor", False):
        refusal = permissions.city_auditor_refusal(actor, None if creating else user)
    if refusal:
        raise DomainError(refusal)
    if not creating:
        versions.claim(user, user.version if based_on is None else based_on)
    user.display_name = display_name
    user.cadre = cadre
    user.is_active = is_active
    if creating:
        user.set_unusable_password()  # the owner chooses one with the one-time link
        user.save()
    else:  # only what this form changes: a password set meanwhile by its owner stays
        user.save(update_fields=["display_name", "cadre", "is_active", "version"])
    if city_auditor is not None and city_auditor != before.get("city_auditor", False):
        if city_auditor:
            RoleAssignment.objects.create(user=user, role=Role.AUDITOR, town=None)
        else:
            RoleAssignment.objects.filter(user=user, role=Role.AUDITOR, town__isnull=True).delete()
    RoleAssignment.objects.filter(user=user, town=town).delete()
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=user,
            town=town,
            role=role,
            population=group_population if Role(role) in Role.for_population() else "",
        )
        for role in roles
    )
    after = {
        "display_name": user.display_name,
        "cadre": user.cadre_id,
        "is_active": user.is_active,
        "roles": _town_roles(user, town),
        "city_auditor": _is_city_auditor(user),
    }
    if creating:
        after["one_time_link"] = True
    changed_keys = [k for k in after if before.get(k) != after[k]]
    if creating or changed_keys:
        record(
            actor=actor,
            action="user.create" if creating else "user.update",
            target=user,
            town=town,
            old={k: before.get(k) for k in changed_keys} if not creating else None,
            new=after if creating else {k: after[k] for k in changed_keys},
        )
    return user


def _is_city_auditor(user: User) -> bool:
    return RoleAssignment.objects.filter(user=user, role=Role.AUDITOR, town__isnull=True).exists()


def one_time_link(user: User) -> str:
    """The path of the one-time link with which the owner of `user` sets their password.

    It works once (setting a password changes the hash it is signed with) and for three days; it is
    shown once to the administrator, who hands it over, and is not stored anywhere.
    """
    return reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": reset_tokens.make_token(user),
        },
    )


@transaction.atomic
def user_reset_password(*, actor: User, town: Town, user: User) -> str:
    """Reset a password: the old one stops working and a one-time link lets the owner choose a new one.

    Returns the link's path, to be shown once to the administrator, who hands it to the owner. The
    administrator never knows the new password; the owner is told at their next login who reset it.
    """
    if refusal := permissions.account_administration_refusal(actor, user, town):
        raise DomainError(refusal)
    user.set_unusable_password()  # also makes every earlier link of this account invalid
    user.must_change_password = False
    user.password_reset_by = actor
    user.password_reset_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_reset_by", "password_reset_at"])
    lockout.unlock(user.username)
    record(actor=actor, action="user.reset_password", target=user, town=town, new={"one_time_link": True})
    return one_time_link(user)


@transaction.atomic
def user_unlock(*, actor: User, town: Town | None, user: User) -> User:
    """Lift a lockout, from every address, before its 15 minutes are over."""
    if not user.is_locked():
        raise DomainError(_("This account is not locked."))
    lockout.unlock(user.username)
    record(
        actor=actor, action="user.unlock", target=user, town=town, old={"locked": True}, new={"locked": False}
    )
    return user


@transaction.atomic
def password_reset_notice_take(*, user: User) -> tuple[User, datetime] | None:
    """Who reset the user's password and when, once: the notice is cleared as it is read."""
    if user.password_reset_at is None:
        return None
    notice = (user.password_reset_by, user.password_reset_at)
    User.objects.filter(pk=user.pk).update(password_reset_by=None, password_reset_at=None)
    user.password_reset_by, user.password_reset_at = None, None
    return notice  # type: ignore[return-value]


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """A user replaces their own password (the form has checked the old one and the rules)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record(actor=user, action="user.change_password", target=user)
    return user

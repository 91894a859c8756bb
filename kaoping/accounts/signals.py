"""Logins, logouts and lockouts go to the audit log (single failed attempts do not: see lockout.py)."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from kaoping.audit.services import record

from . import lockout
from .models import RoleAssignment, User


def _home_town(user: User):
    """The town an account event belongs to, so that the town's auditor sees it."""
    if user.cadre_id:
        return user.cadre.town
    assignment = RoleAssignment.objects.filter(user=user, town__isnull=False).select_related("town").first()
    return assignment.town if assignment else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(actor=user, action="auth.login", target=user, town=_home_town(user))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action="auth.logout", target=user, town=_home_town(user))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    """One audit entry per lockout: the attempt that locked, not every refused retry or failure."""
    if getattr(request, "kaoping_address_locked", False):
        record(
            actor=None,
            action="address.locked",
            object_type="address",
            object_id=str(ip_address or "")[:64],
            object_repr=str(ip_address or ""),
            new={"address": ip_address, "failures": settings.KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS},
        )
        return
    if not lockout.is_new_account_lockout(request):
        return
    user = User.objects.filter(username=username).first() if username else None
    record(
        actor=None,
        action="account.locked",
        target=user,
        object_type="" if user else "accounts.user",
        object_repr="" if user else str(username or "")[:150],
        town=_home_town(user) if user else None,
        new={"address": ip_address, "failures": settings.KAOPING_LOGIN_MAX_FAILURES},
    )

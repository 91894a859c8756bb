"""Logins, logouts and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kaoping.audit.services import record

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


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    record(
        actor=None,
        action="auth.login_failed",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=username,
        town=_home_town(user) if user else None,
    )

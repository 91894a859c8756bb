"""Authentication with account lockout: 5 failed attempts lock an account for 15 minutes."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kaoping.audit.services import record

from .models import User


class AccountLocked(PermissionDenied):
    def __init__(self, until):
        super().__init__("account locked")
        self.until = until


class LockoutBackend(ModelBackend):
    """ModelBackend that counts failures per account and refuses a locked account.

    Raising PermissionDenied stops Django from trying other backends and makes the login form
    say the account is locked, even when the password given is right.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # spend the same time as for a real account
            return None
        now = timezone.now()
        if user.is_locked(now):
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        self._count_failure(user, now)
        return None

    def _count_failure(self, user: User, now) -> None:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            if user.failed_logins >= settings.KAOPING_LOGIN_MAX_FAILURES:
                until = now + timedelta(minutes=settings.KAOPING_LOGIN_LOCK_MINUTES)
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=until)
                record(
                    actor=None, action="account.locked", target=user, town=None, new={"locked_until": until}
                )

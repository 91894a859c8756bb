"""Login lockout, counted by django-axes in the database.

Failures are counted per account *and* address together: five wrong passwords for one account from
one address lock that account from that address only, so a stranger cannot lock the owner out. An
address that fails often across many accounts (KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS) is locked
for every account. A lock ends 15 minutes after the last counted failure, or when an administrator
unlocks the account. Only a new lockout goes to the audit log, not every failed attempt.

Axes counts each failure with an atomic update, but it checks the lock before the password and
counts after: simultaneous attempts would all pass the check. `attempts_serialised` makes the
attempts at one account wait for each other, so that a burst gets exactly the allowed number of
password checks (a PostgreSQL advisory lock; a file lock in the data directory on SQLite, whose
deployments run on one machine).
"""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# The advisory-lock namespace of login attempts (any fixed number unused elsewhere).
_PG_LOCK_NAMESPACE = 71_117
_FILE_LOCK_BUCKETS = 64


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the proxy's X-Forwarded-For only when the app is configured behind one.

    Without a configured proxy that header is whatever the client wrote, and trusting it would let
    an attacker pick the address their failures count against.
    """
    if settings.KAOPING_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; anything before it came from the client.
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None


def _cool_off() -> timedelta:
    return timedelta(minutes=settings.KAOPING_LOGIN_LOCK_MINUTES)


def _recent(request: HttpRequest | None = None):
    """Attempts still counted: within the cool-off time before this request (or now)."""
    at = getattr(request, "axes_attempt_time", None) or timezone.now()
    return AccessAttempt.objects.filter(attempt_time__gte=at - _cool_off())


def address_failures(request: HttpRequest) -> int:
    """Failures from the request's address over every account, within the cool-off time."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return 0
    total = _recent(request).filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler plus a limit per address over all accounts."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = request is not None and request.axes_locked_out
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked:
            return
        if address_failures(request) == settings.KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS:
            request.kaoping_address_locked = True
            if not request.axes_locked_out:
                request.axes_locked_out = True
                request.axes_credentials = credentials
                user_locked_out.send(
                    "axes", request=request, username=None, ip_address=request.axes_ip_address
                )


def is_new_account_lockout(request: HttpRequest) -> bool:
    """True when this request's failure is the one that locked the account (not a refused retry)."""
    return getattr(request, "axes_failures_since_start", None) == settings.KAOPING_LOGIN_MAX_FAILURES


def locked_until(*, request: HttpRequest, username: str | None) -> datetime | None:
    """When the lock that refused this request ends."""
    ip = getattr(request, "axes_ip_address", None)
    recent = _recent(request).filter(ip_address=ip)
    pair = recent.filter(username=username, failures_since_start__gte=settings.KAOPING_LOGIN_MAX_FAILURES)
    last = pair.aggregate(t=Max("attempt_time"))["t"] or recent.aggregate(t=Max("attempt_time"))["t"]
    return last + _cool_off() if last else None


def locked_usernames(usernames: list[str]) -> set[str]:
    """Those of `usernames` locked from at least one address right now."""
    return set(
        _recent()
        .filter(username__in=usernames, failures_since_start__gte=settings.KAOPING_LOGIN_MAX_FAILURES)
        .values_list("username", flat=True)
    )


def unlock(username: str) -> int:
    """Forget the account's counted failures from every address; the number of records removed."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count


@contextmanager
def attempts_serialised(username: str) -> Iterator[None]:
    """Let one login attempt at a time go through for `username` (see the module's docstring)."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_PG_LOCK_NAMESPACE, username]
                )
            yield
        return
    directory = settings.DATA_DIR / "login-locks"
    directory.mkdir(parents=True, exist_ok=True)
    bucket = zlib.crc32(username.encode()) % _FILE_LOCK_BUCKETS
    with open(directory / f"{bucket}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The application's own page for a refused login, in the user's language (HTTP 429)."""
    from .forms import LoginForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(request=request, username=username)
    form = LoginForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_until": timezone.localtime(until) if until else None,
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=429)

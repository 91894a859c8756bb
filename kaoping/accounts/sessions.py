"""The 30-minute idle timeout without a database write on every request.

A session's row in the database holds its expiry (`expire_date`), and Django refuses a session past
it. Writing the row at every request would keep the expiry exactly 30 minutes after the last one, but
costs a write per request (a logged-in `/healthz` answered 197 requests a second against 1,231 without
a cookie: docs/performance.md). Instead the session notes when it was last written
(`SEEN_KEY`) and is written again only when that is older than `SESSION_REFRESH_SECONDS` (60): a
session used within the minute writes nothing, and its expiry is at most a minute behind. The
expiry (`SESSION_COOKIE_AGE`) is the idle time plus that minute, so a session ends between 30 and
31 idle minutes, never before 30.

This module is also the session engine (settings.SESSION_ENGINE): Django's database sessions, the
session read at every request by a statement built once (core/reads.py).
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.utils import timezone

from kaoping.core.reads import Read

SEEN_KEY = "_kaoping_written_at"

_LIVE = Read(Session, "t.session_key = %s AND t.expire_date > %s")


class SessionStore(db.SessionStore):
    """Django's database session, read as the ORM would read it (an expired one is not found)."""

    def _get_session_from_db(self):
        found = _LIVE.one(self.session_key, timezone.now()) if self.session_key else None
        if found is None:
            self._session_key = None
        return found


@receiver(user_logged_in)
def _written_at_login(sender, request, user, **kwargs):
    """A login writes the session anyway: note it, so that the next request need not write again."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


class SessionActivityMiddleware:
    """Re-save a session that a request used when its last write is older than the refresh interval.

    Placed right after SessionMiddleware, so that SessionMiddleware saves what this marks. Requests
    that do not read the session (`/healthz`, static files) neither load nor write it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if session.modified:  # written anyway (a login, a message): note it for free
            session[SEEN_KEY] = now
            return response
        written = session.get(SEEN_KEY)
        if not isinstance(written, int) or now - written >= settings.SESSION_REFRESH_SECONDS:
            session[SEEN_KEY] = now  # marks the session modified: SessionMiddleware writes it
        return response

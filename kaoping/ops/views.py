"""The page of an unexpected error: the application's own, in the user's language, without details.

Django's default is a bare English "Server Error (500)". This page tells a database outage apart
(the database did not answer: try again in a few minutes) from any other fault, and shows neither a
trace nor a connection string; the error itself goes to the server's log as before. It reads no
session, user or database (those may be what failed): the language comes from the request's
language cookie or Accept-Language header.
"""

import sys

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled, so `sys.exc_info` names it."""
    outage = isinstance(sys.exc_info()[1], DatabaseError)
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = render_to_string("ops/500.html", {"outage": outage, "language": translation.get_language()})
    response = HttpResponseServerError(html)
    if outage:
        response["Retry-After"] = "60"
    return response


# The other error pages: the application's own, in the user's language, inside the usual page (the
# navigation works: the session and the database are up), each with a way back.


def _back(request: HttpRequest) -> str:
    """Where "Back" goes: the page the user came from when it is one of this site's, else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _error_page(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    return render(request, template, {"back": _back(request), "status": status, **context}, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: what the user may not do, and the way back. The message is the one the permission
    layer raised (always written for the user: see accounts.permissions.require)."""
    message = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return _error_page(request, "ops/403.html", 403, message=message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the page does not exist, or belongs to what the user cannot see (another town)."""
    return _error_page(request, "ops/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a page too old (or with cookies refused)."""
    return _error_page(request, "ops/csrf.html", 403)

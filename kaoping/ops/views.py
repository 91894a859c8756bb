"""The page of an unexpected error: the application's own, in the user's language, without details.

Django's default is a bare English "Server Error (500)". This page tells a database outage apart
(the database did not answer: try again in a few minutes) from any other fault, and shows neither a
trace nor a connection string; the error itself goes to the server's log as before. It reads no
session, user or database (those may be what failed): the language comes from the request's
language cookie or Accept-Language header.
"""

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils import translation
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

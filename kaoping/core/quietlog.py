"""No log line about the ballot pages (docs/anonymity.md).

A ballot is anonymous only if nothing records when which phone used the ballot page: an access-log
line has the time, the address and the browser, and with the order of ballots that links a ballot to
a phone. So the server's access log (`kaoping serve`, gunicorn) and the application's own logs
(Django's "Bad Request: /ballot/" and CSRF warnings) leave out every request to the ballot page and
every request a ballot page makes (its script and styles, recognised by their Referer). The rest of the
application keeps its log.
"""

import logging

from gunicorn.glogging import Logger

BALLOT_PATH = "/ballot/"


def is_ballot_request(path: str, referer: str = "") -> bool:
    return path.startswith(BALLOT_PATH) or BALLOT_PATH in referer


class QuietBallotLogger(Logger):
    """gunicorn's logger without access-log lines for the ballot pages (`--logger-class`)."""

    def access(self, resp, req, environ, request_time):
        if is_ballot_request(environ.get("PATH_INFO", ""), environ.get("HTTP_REFERER", "")):
            return
        super().access(resp, req, environ, request_time)


class DropBallotRequests(logging.Filter):
    """A logging filter that drops the records Django writes about a ballot-page request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        referer = getattr(request, "META", {}).get("HTTP_REFERER", "") if request is not None else ""
        if is_ballot_request(path, referer):
            return False
        return BALLOT_PATH not in str(getattr(record, "msg", ""))

"""Nothing logs a request to the ballot page (kaoping/core/quietlog.py); the rest keeps its log."""

import logging
from types import SimpleNamespace

from kaoping.core import quietlog


def test_the_server_writes_no_access_line_for_ballot_pages_and_their_assets(monkeypatch):
    written = []
    monkeypatch.setattr(quietlog.Logger, "access", lambda self, *args: written.append(args[2]["PATH_INFO"]))
    logger = quietlog.QuietBallotLogger.__new__(quietlog.QuietBallotLogger)
    for environ in (
        {"PATH_INFO": "/ballot/"},
        {"PATH_INFO": "/static/evaluation/ballot-enter.js", "HTTP_REFERER": "https://kp.example/ballot/"},
        {"PATH_INFO": "/towns/xiacun/"},
    ):
        logger.access(None, None, environ, 0.01)
    assert written == ["/towns/xiacun/"]


def test_django_records_about_ballot_requests_are_dropped():
    keep = quietlog.DropBallotRequests().filter

    def record(path: str, msg: str = "Bad Request: %s") -> logging.LogRecord:
        rec = logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, (path,), None)
        rec.request = SimpleNamespace(path=path, META={"HTTP_USER_AGENT": "phone"})
        return rec

    assert not keep(record("/ballot/"))
    assert keep(record("/towns/xiacun/"))

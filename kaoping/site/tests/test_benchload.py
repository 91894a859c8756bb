"""`kaoping benchload`'s wrk run: what it prints is what the server answered."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kaoping.site.management.commands.benchload import run_wrk

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (make bench-load and .ci/run install it)"
)


class _Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept-alive connections, as wrk keeps them
    status = 200
    cookies: set[str] = set()

    def do_GET(self) -> None:  # noqa: N802 - the handler's name in http.server
        type(self).cookies.add(self.headers.get("Cookie", ""))
        self.send_response(self.status)
        if self.status == 302:
            self.send_header("Location", "/accounts/login/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def _serve(status: int):
    handler = type("Handler", (_Answers,), {"status": status, "cookies": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


@pytest.mark.parametrize(("status", "all_errors"), [(200, False), (302, True), (500, True)])
def test_every_answer_other_than_200_is_an_error(tmp_path, status, all_errors):
    """A redirect (to the login page, when a session has expired) is not a page served: it counts as an
    error, as a server error does; a page answered 200 is none."""
    server, handler = _serve(status)
    try:
        figures = run_wrk(f"http://127.0.0.1:{server.server_port}/page", "sessionid=abc", 2, 1, tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert figures["requests"] > 0
    assert figures["errors"] == (figures["requests"] if all_errors else 0)
    assert 0 < figures["p50"] <= figures["p95"] <= figures["p99"]
    assert figures["rps"] == pytest.approx(figures["requests"], rel=0.2)  # over one second
    assert handler.cookies == {"sessionid=abc"}

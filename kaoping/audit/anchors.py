"""The anchor file: the log's head written outside the database, one line at a time.

Each line reads `time <TAB> count <TAB> head <TAB> mac <TAB> reason`: at `time` the log had `count`
entries and the newest had the hash `head`; `mac` is the HMAC-SHA256 of the other four under the
audit key, so a line cannot be forged or edited without the key. Lines are only ever appended
(the file is opened with O_APPEND). A line whose reason starts with "reset:" records that the log
was emptied on purpose (a demo reset); the anchors before it belong to the log that was emptied.
"""

import datetime as dt
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

RESET = "reset:"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    line: int
    at: str
    count: int
    head: str
    reason: str

    @property
    def is_reset(self) -> bool:
        return self.reason.startswith(RESET)


@dataclass(frozen=True)
class BadLine:
    line: int


def path() -> Path:
    return Path(settings.KAOPING_AUDIT_ANCHOR_FILE)


def _mac(key: bytes, at: str, count: int, head: str, reason: str) -> str:
    return hmac.new(key, f"{at}\t{count}\t{head}\t{reason}".encode(), hashlib.sha256).hexdigest()


def format_line(key: bytes, *, count: int, head: str, reason: str, at: dt.datetime | None = None) -> str:
    stamp = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    reason = " ".join(reason.split())  # one line, no tabs
    return f"{stamp}\t{count}\t{head}\t{_mac(key, stamp, count, head, reason)}\t{reason}\n"


def append(text: str) -> None:
    """Append one line; the file is created readable by the service's user only."""
    where = path()
    where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(where, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def append_logged(text: str) -> None:
    """`append`, for after a commit: a failure is logged, the committed change stays."""
    try:
        append(text)
    except OSError:
        logger.exception("could not write the audit anchor to %s", path())


def read(key: bytes) -> tuple[list[Anchor], list[BadLine]]:
    """The anchors in the file, in order, and the lines that are not well-formed or fail their mac."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    good, bad = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split("\t")
        if len(parts) != 5 or not parts[1].isdigit():
            bad.append(BadLine(number))
            continue
        at, count, head, mac, reason = parts
        if not hmac.compare_digest(mac, _mac(key, at, int(count), head, reason)):
            bad.append(BadLine(number))
            continue
        good.append(Anchor(number, at, int(count), head, reason))
    return good, bad


def exists() -> bool:
    return path().exists()

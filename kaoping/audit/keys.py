"""The secret key of the audit chain, kept outside the database.

Entries are chained with HMAC-SHA256 under this key, so that someone who can change the database
but cannot read the data directory cannot recompute the hashes of an entry they rewrote. The key
is a file in the data directory (`KAOPING_AUDIT_KEY_FILE`), created readable by the service's user
only the first time the log is written; back it up with the database, and keep it away from anyone
who may write to the database only.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings

_cache: dict[Path, bytes] = {}


class KeyMissing(RuntimeError):
    """The key file is gone while the log has entries chained with it."""


def path() -> Path:
    return Path(settings.KAOPING_AUDIT_KEY_FILE)


def read() -> bytes | None:
    """The key, or None when the file does not exist."""
    where = path()
    if where in _cache:
        return _cache[where]
    try:
        text = where.read_text().strip()
    except FileNotFoundError:
        return None
    key = bytes.fromhex(text)
    if len(key) < 32:
        raise KeyMissing(f"the audit key file {where} does not hold a key")
    _cache[where] = key
    return key


def create() -> bytes:
    """Make the key file (0600) unless another process just did; return the key in it."""
    where = path()
    where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
    key = read()
    assert key is not None
    return key


def forget() -> None:
    """Drop the cached key (tests that move or remove the key file)."""
    _cache.clear()

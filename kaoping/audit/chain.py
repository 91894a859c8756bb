"""Hashing of audit entries: pure functions, no database.

Two versions of the chain exist. Entries written before the key was introduced (version None)
hash with plain SHA-256, which anyone can recompute. Entries of version 2 hash with HMAC-SHA256
under the audit key, kept outside the database. A chain may start with plain entries; once a
keyed entry appears, every later entry must be keyed.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
KEYED = 2  # the chain version of entries hashed with the key


def canonical(fields: dict[str, Any]) -> bytes:
    """A byte string that is the same for the same content, whatever the key order."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: SHA-256 over the previous hash and the entry's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(fields)).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of a keyed entry: HMAC-SHA256 under `key` over the same bytes as `entry_hash`."""
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(fields), hashlib.sha256).hexdigest()


def hash_of(version: int | None, key: bytes | None, prev_hash: str, fields: dict[str, Any]) -> str | None:
    """The hash an entry of `version` should carry; None when it is keyed and the key is unknown."""
    if version == KEYED:
        return keyed_hash(key, prev_hash, fields) if key is not None else None
    return entry_hash(prev_hash, fields)


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify(
    entries: Iterable[
        tuple[int, str, str, dict[str, Any]] | tuple[int, str, str, dict[str, Any], int | None]
    ],
    key: bytes | None = None,
) -> list[Break]:
    """Check a chain given as (id, prev_hash, hash, fields[, version]) in id order; return where it breaks.

    Keyed entries are checked with `key`; without it, only their links are checked and the
    first one is reported as not checkable.
    """
    breaks: list[Break] = []
    expected_prev = GENESIS
    keyed_seen = False
    for entry_id, prev_hash, stored_hash, fields, *rest in entries:
        version = rest[0] if rest else None
        if prev_hash != expected_prev:
            breaks.append(Break(entry_id, "previous hash does not match the entry before it"))
        if version == KEYED:
            if key is None and not keyed_seen:
                breaks.append(Break(entry_id, "the audit key is missing: keyed entries cannot be checked"))
            keyed_seen = True
        elif keyed_seen:
            breaks.append(Break(entry_id, "an entry without the key follows keyed entries"))
        expected = hash_of(version, key, prev_hash, fields)
        if expected is not None and not hmac.compare_digest(expected, stored_hash):
            breaks.append(Break(entry_id, "content does not match its hash"))
        expected_prev = stored_hash
    return breaks

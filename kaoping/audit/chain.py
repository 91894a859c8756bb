"""Hashing of audit entries: pure functions, no database."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    """A byte string that is the same for the same content, whatever the key order."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: SHA-256 over the previous hash and the entry's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify(entries: Iterable[tuple[int, str, str, dict[str, Any]]]) -> list[Break]:
    """Check a chain given as (id, prev_hash, hash, fields) in id order; return where it breaks."""
    breaks: list[Break] = []
    expected_prev = GENESIS
    for entry_id, prev_hash, stored_hash, fields in entries:
        if prev_hash != expected_prev:
            breaks.append(Break(entry_id, "previous hash does not match the entry before it"))
        if entry_hash(prev_hash, fields) != stored_hash:
            breaks.append(Break(entry_id, "content does not match its hash"))
        expected_prev = stored_hash
    return breaks

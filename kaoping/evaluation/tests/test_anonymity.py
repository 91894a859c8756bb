"""The tests play the attacker of docs/anonymity.md: they read what a database administrator can read
(the SQLite file and its write-ahead log; PostgreSQL's system columns and, with pageinspect, its raw
pages) after five ballots cast in a known order, and fail if a ballot can be matched to its code or
to its place in the voting order."""

import json
from pathlib import Path

import pytest
from django.db import connection

from .. import sealing, services
from ..models import BallotDraft, SealedBallot, VotingCode
from .conftest import EST, LEAD, MID, NON, make_round

# Five voters, in this order, each with a ballot nobody else cast (a distinct grade pattern).
PATTERNS = [
    ["excellent", "competent", "basic", "incompetent"],
    ["competent", "basic", "incompetent", "excellent"],
    ["basic", "incompetent", "excellent", "competent"],
    ["incompetent", "excellent", "competent", "basic"],
    ["unknown", "unknown", "excellent", "basic"],
]


def _ratings(cadres, pattern):
    return {str(c.pk): {"overall": g} for c, g in zip(cadres, pattern, strict=True)}


def _needles(cadres, pattern) -> list[bytes]:
    """What a ballot's ratings look like in a stored row (JSON, either spacing)."""
    ratings = _ratings(cadres, pattern)
    compact = json.dumps(ratings, separators=(",", ":")).encode()
    spaced = json.dumps(ratings).encode()
    first = {str(cadres[0].pk): ratings[str(cadres[0].pk)]}
    fragments = [json.dumps(first)[1:-1].encode(), json.dumps(first, separators=(",", ":"))[1:-1].encode()]
    return [compact, spaced, *fragments]


def _sqlite_bytes() -> bytes:
    path = Path(connection.settings_dict["NAME"])
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _cast_five(open_round, codes, cadres):
    """The five ballots in the known order; a draft saved (then deleted) by the first voter."""
    voters = [codes[LEAD][0], codes[MID][0], codes[EST][0], codes[NON][0], codes[LEAD][1]]
    services.ballot_save(code=voters[0], ratings=_ratings(cadres, ["basic"] * 4))
    assert BallotDraft.objects.count() == 1
    for code, pattern in zip(voters, PATTERNS, strict=True):
        services.ballot_submit(code=code, ratings=_ratings(cadres, pattern))
    return voters


def _shuffled(rnd, sealed: list[bytes]) -> list[dict]:
    """The ratings of the sealed ballots (read in key order) in the order `_reverse` puts them."""
    open_ = sealing.opener(sealing.combine(rnd.shares[:2], public_key=rnd.public_key))
    return [open_(s)["ratings"] for s in reversed(sealed)]


def _reverse(items):
    items.reverse()  # a known permutation stands in for the random shuffle, to locate the ballots


@pytest.mark.django_db(transaction=True)
def test_sqlite_file_and_wal_do_not_link_a_ballot_to_its_code_or_its_order(
    open_round, codes, cadres, personas, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite file and its write-ahead log")
    _cast_five(open_round, codes, cadres)
    # While open: no ballot and no draft can be read anywhere in the file or the log.
    raw = _sqlite_bytes()
    for pattern in [*PATTERNS, ["basic"] * 4]:
        assert not any(n in raw for n in _needles(cadres, pattern)), pattern
    sealed = [bytes(s) for s in SealedBallot.objects.values_list("sealed", flat=True)]
    assert len(sealed) == 5 and len({len(s) for s in sealed}) == 1
    # The sealed rows sit in the order of their random keys (the rowid), not in the voting order.
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid = id FROM evaluation_sealedballot")
        assert all(same for (same,) in cursor.fetchall())

    monkeypatch.setattr(services.sealing, "shuffle", _reverse)
    services.round_close(
        actor=personas["assessment_office"], round=open_round, shares=open_round.shares[1:], confirmed=True
    )
    raw = _sqlite_bytes()
    # After closing: the write-ahead log is empty, no sealed ballot (which the log had tied to its
    # code) is left in the file, and no draft.
    assert Path(f"{connection.settings_dict['NAME']}-wal").stat().st_size == 0
    assert not any(s[:48] in raw for s in sealed)
    assert not BallotDraft.objects.exists() and not SealedBallot.objects.exists()
    # The box's rows are in the order the shuffle gave (here: the sealed ballots' random-key order,
    # reversed), whatever the order of voting was: where a ballot sits follows the shuffle alone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ratings FROM evaluation_ballot ORDER BY rowid")
        physical = [json.loads(r) for (r,) in cursor.fetchall()]
    assert physical == _shuffled(open_round, sealed)
    voted = [_ratings(cadres, p) for p in PATTERNS]
    assert sorted(json.dumps(b, sort_keys=True) for b in physical) == sorted(
        json.dumps(b, sort_keys=True) for b in voted
    )
    # The used codes tell nothing more than that they were used: no time, no ballot, no order.
    columns = {f.column for f in VotingCode._meta.concrete_fields}
    assert columns == {"id", "round_id", "rater_class_id", "code_hash", "used"}


@pytest.mark.django_db(transaction=True)
def test_postgresql_system_columns_and_pages_do_not_link_a_ballot_to_its_code_or_its_order(
    open_round, codes, cadres, personas, monkeypatch, town
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's system columns and pages")
    # Another town's round stays open: its sealed ballot keeps the table's pages in use.
    other = make_round(town, cadres, quarter=2, codes_each=1)
    other_code = next(iter(services.codes_generate(actor=None, round=other).values()))[0]
    services.round_open(actor=None, round=other)
    services.ballot_submit(code=other_code, ratings=_ratings(cadres, ["basic"] * 4))
    voters = _cast_five(open_round, codes, cadres)
    hashes = [services._hash(sealing_code) for sealing_code in voters]
    with connection.cursor() as cursor:
        # While open, the transaction stamp does tie each sealed ballot to its code (one
        # transaction spends the code and stores the ballot): what it ties is a sealed box that
        # only the tally key opens, and that never becomes a row of the ballot box as such.
        cursor.execute(
            "SELECT sealed FROM evaluation_sealedballot WHERE round_id = %s ORDER BY id", [open_round.pk]
        )
        sealed = [bytes(s) for (s,) in cursor.fetchall()]
        assert len(sealed) == 5 and all(b'"overall"' not in s for s in sealed)
    monkeypatch.setattr(services.sealing, "shuffle", _reverse)
    services.round_close(
        actor=personas["assessment_office"], round=open_round, shares=open_round.shares[:2], confirmed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, ctid::text, ratings::text FROM evaluation_ballot ORDER BY ctid")
        box = cursor.fetchall()
        cursor.execute("SELECT xmin::text FROM evaluation_votingcode WHERE code_hash = ANY(%s)", [hashes])
        code_stamps = {x for (x,) in cursor.fetchall()}
    # Every ballot of the box was written by one transaction (the closing), which touched no code.
    assert len(box) == 5 and len({x for x, _c, _r in box}) == 1
    assert not code_stamps & {x for x, _c, _r in box}
    # Their physical order (ctid) is the shuffle's, whatever the voting order was.
    physical = [json.loads(r) for _x, _c, r in box]
    assert physical == _shuffled(open_round, sealed)
    # The sealed ballots' dead rows are gone (VACUUM FULL), and so are the drafts': read the raw
    # pages. PostgreSQL keeps dead rows that a transaction still open anywhere on the server might
    # see; on a shared server another session's may be: then the pages cannot be checked now.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, state FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
            "least(backend_xid::text::bigint, backend_xmin::text::bigint) < %s",
            [int(box[0][0])],
        )
        if holding := cursor.fetchall():
            pytest.skip(f"another session's open transaction holds back VACUUM on this server: {holding}")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        except Exception as exc:  # noqa: BLE001 - the extension is optional on the server
            pytest.skip(f"pageinspect is not available on this server: {exc}")
        for table in ("evaluation_sealedballot", "evaluation_ballotdraft"):
            cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
            (pages,) = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM generate_series(0, %s - 1) p, "
                "heap_page_items(get_raw_page(%s, p::int)) "
                "WHERE t_data IS NOT NULL",
                [pages, table],
            )
            # Only the other round's sealed ballot is left (and no draft).
            assert cursor.fetchone()[0] == (1 if table == "evaluation_sealedballot" else 0)
            for page in range(pages):
                cursor.execute("SELECT get_raw_page(%s, %s)", [table, page])
                raw = bytes(cursor.fetchone()[0])
                assert not any(s[:48] in raw for s in sealed), f"{table} page {page} keeps a sealed ballot"

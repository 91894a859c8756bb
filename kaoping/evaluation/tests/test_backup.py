"""`kaoping backup` during an open round carries what closing it after a restore needs (the sealed
ballots, the drafts, the round's public key) and never the tally key (docs/anonymity.md)."""

import json
import tarfile

import pytest
from django.db import connection

from kaoping.ops.archive import MANIFEST
from kaoping.ops.backup import backup_create

from .. import sealing, services
from .conftest import LEAD, MID, all_rated


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_an_open_round_has_its_sealed_ballots_and_no_tally_key(
    tmp_path, open_round, codes, cadres
):
    services.ballot_submit(code=codes[LEAD][0], ratings=all_rated(cadres))
    services.ballot_submit(code=codes[LEAD][1], ratings=all_rated(cadres, "basic"))
    services.ballot_save(code=codes[MID][0], ratings=all_rated(cadres[:1]))
    backup = tmp_path / "kaoping.tar"
    backup_create(dest=backup)
    with tarfile.open(backup) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert manifest["row_counts"]["evaluation_sealedballot"] == 2
    assert manifest["row_counts"]["evaluation_ballotdraft"] == 1
    if connection.vendor != "sqlite":
        return  # pg_dump's custom format is compressed: its bytes cannot be searched
    assert open_round.public_key.encode() in everything  # stored as text: the round can be closed
    secret = sealing.combine(open_round.shares[:2], public_key=open_round.public_key)
    assert secret not in everything and secret.hex().encode() not in everything
    for share in open_round.shares:
        assert " ".join(share.split()[4:8]).encode() not in everything

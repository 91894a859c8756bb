"""Two simultaneous submissions of one code: exactly one ballot, on SQLite and PostgreSQL alike."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from kaoping.core.errors import DomainError

from ..models import SealedBallot, VotingCode
from .conftest import LEAD, all_rated


@pytest.mark.django_db(transaction=True)
def test_one_code_submitted_twice_at_the_same_moment_gives_one_ballot(open_round, codes, cadres):
    from .. import services

    code = codes[LEAD][0]
    ratings = all_rated(cadres)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            start.wait()
            for _attempt in range(500):
                try:
                    services.ballot_submit(code=code, ratings=ratings)
                    break
                except OperationalError as exc:
                    # The in-memory test database of SQLite (shared cache) answers "table is locked"
                    # at once instead of waiting as the file database does (timeout 20 s): wait here.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"], connection.vendor
    assert SealedBallot.objects.count() == 1
    assert VotingCode.objects.filter(used=True).count() == 1

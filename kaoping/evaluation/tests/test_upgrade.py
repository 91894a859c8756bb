"""Upgrading to sealed ballots: refused while a round is open (its plaintext ballots cannot be made
anonymous afterwards), done when every round is closed or being prepared (docs/anonymity.md)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaoping import testing

BEFORE = [("evaluation", "0001_initial")]
AFTER = [("evaluation", "0002_sealed_ballots_and_tally_keys")]


def _old_round(status: str):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    town = testing.make_town()
    return apps.get_model("evaluation", "Round").objects.create(
        town_id=town.pk,
        year=2026,
        quarter=1,
        title="第一季度",
        held_on=date(2026, 3, 28),
        status=status,
        scale={},
    )


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_waits_while_a_round_is_open():
    _old_round("open")
    with pytest.raises(RuntimeError, match="Close every open democratic-evaluation round"):
        MigrationExecutor(connection).migrate(AFTER)
    # Close it with the old release, then upgrade: rounds get the default key sharing, 2 of 3.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE evaluation_round SET status = 'closed'")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from ..models import Round

    (rnd,) = Round.objects.all()
    assert (rnd.status, rnd.key_holders, rnd.key_threshold, rnd.public_key) == ("closed", 3, 2, "")

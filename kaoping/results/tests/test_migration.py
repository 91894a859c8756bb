"""The stored results moved from the scoring app to the results app with their rows.

A database migrated before the move (results in `scoring_monthlyresult` …) keeps every row, with
its id, once migrated past it; and migrating back gives the scoring app its tables again.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaoping import testing
from kaoping.results.models import Correction, MonthlyResult, ResultBasis
from kaoping.scoring.models import Period, PeriodStatus

BEFORE = [("scoring", "0006_score_correction")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_results_stored_before_the_move_are_the_same_rows_after_it():
    town = testing.make_town()
    cadre = testing.make_cadre(town, "张三", 1)
    scheme = testing.make_scheme(town)
    period = Period.objects.create(town=town, month="2026-03-01", status=PeriodStatus.PUBLISHED)
    basis = ResultBasis.objects.create(period=period, scheme=scheme, basis={"indicators": []})
    row = MonthlyResult.objects.create(
        period=period,
        cadre=cadre,
        scheme=scheme,
        performance=Decimal("80.5"),
        bonus=Decimal(0),
        deduction=Decimal(0),
        total=Decimal("80.50"),
        rank=1,
        breakdown={"values": []},
    )
    correction = Correction.objects.create(town=town, period=period, year=2026, number=1, status="published")
    try:
        # The state before the move: the rows are the scoring app's.
        old = _migrate(BEFORE)
        assert "results" not in {m._meta.app_label for m in old.get_models()}
        OldResult = old.get_model("scoring", "MonthlyResult")
        assert OldResult.objects.get(pk=row.pk).total == Decimal("80.50")
        assert old.get_model("scoring", "ResultBasis").objects.get(pk=basis.pk).basis == {"indicators": []}
        assert old.get_model("scoring", "Correction").objects.get(pk=correction.pk).number == 1
        OldResult.objects.filter(pk=row.pk).update(total=Decimal("81.00"))  # written before the move
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    NewResult = new.get_model("results", "MonthlyResult")
    assert NewResult._meta.db_table == "scoring_monthlyresult"
    moved = MonthlyResult.objects.get(pk=row.pk)
    assert (moved.cadre_id, moved.period_id, moved.total) == (cadre.pk, period.pk, Decimal("81.00"))
    assert ResultBasis.objects.get(pk=basis.pk).period_id == period.pk
    assert Correction.objects.get(pk=correction.pk).number == 1
    with pytest.raises(LookupError):
        new.get_model("scoring", "MonthlyResult")

"""`kaoping bench` on a tiny city: it builds, measures and reports, and refuses a real town's data.

The figures themselves are checked by running the benchmark (`make bench`), never here."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kaoping import testing
from kaoping.results.models import MonthlyResult, ResultBasis
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring.models import ScoreEntry

TINY = ["--towns", "2", "--cadres-per-town", "20", "--months", "2", "--items", "12", "--runs", "1"]


@pytest.mark.django_db(transaction=True)
def test_a_tiny_city_is_built_measured_and_every_result_explained():
    out = StringIO()
    call_command("bench", *TINY, "--workers", "1", stdout=out)
    report = out.getvalue()
    # 2 towns × 2 months × 20 cadres × 12 indicators
    assert ScoreEntry.objects.count() == 960
    # The bench year's results; the dossier's measured cadre also has four earlier years (48 months).
    bench_year = MonthlyResult.objects.filter(period__month__year=2026)
    assert bench_year.count() == 80 and ResultBasis.objects.count() == 12
    assert MonthlyResult.objects.count() == 80 + 48
    for label in (
        "recompute one town-month",
        "recompute one city-month",
        "ranking page",
        "breakdown page",
        "dossier page",
    ):
        assert label in report
    assert all(len(breakdown_lines(r)) == 12 for r in with_basis(bench_year))


@pytest.mark.django_db
def test_a_database_holding_a_real_town_is_refused(town):
    with pytest.raises(CommandError, match="not the benchmark's"):
        call_command("bench", *TINY, stdout=StringIO())


@pytest.mark.django_db
def test_a_database_holding_user_accounts_is_refused():
    testing.make_user("someone", town=None, role=None)
    with pytest.raises(CommandError, match="user accounts"):
        call_command("bench", *TINY, "--dry-run", stdout=StringIO())

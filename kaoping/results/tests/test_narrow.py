"""A score saved brings up to date only its population's stored ranking (its scheme's results), and
that ranking is the one a recompute of the whole month gives; a change that reaches several
populations still recomputes them all. Stored rows are compared by their digest."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaoping import testing
from kaoping.core import events
from kaoping.indicators.models import RuleKind, Scheme
from kaoping.people.models import Population
from kaoping.scoring import services
from kaoping.scoring.models import PeriodStatus, ScoreEntry, ScoreSheet
from kaoping.scoring.tests.conftest import fill, make_scheme

from .. import results
from ..models import Correction, MonthlyResult

pytestmark = pytest.mark.django_db

STANDING = ("cadre_id", "scheme_id", "total", "rank", "group_rank", "group", "breakdown", "digest")


@pytest.fixture
def two_populations(town, personas, scheme, cadres, village_scorer):
    """March with the agency scheme (4 cadres) and a village scheme (2 cadres), both sheets filled."""
    village_scheme = make_scheme(town, Population.VILLAGE)
    for serial, name in ((11, "陈村"), (12, "林村")):
        testing.make_cadre(town, name, serial, Population.VILLAGE)
    period = services.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 3, 1))
    agency_sheet = period.sheets.get(scheme=scheme)
    village_sheet = period.sheets.get(scheme=village_scheme)
    fill(agency_sheet, personas["scorer"], "5")
    fill(village_sheet, village_scorer, "5")
    return period, agency_sheet, village_sheet


def _stored(period, sheet) -> dict:
    return {
        row[0]: row
        for row in MonthlyResult.objects.filter(period=period, scheme=sheet.scheme_id).values_list(*STANDING)
    }


def _save_one(sheet, user, cadre, value: str) -> int:
    indicator = sheet.scheme.indicators.get(rule_kind=RuleKind.MANUAL, code="1.1")
    entry = ScoreEntry.objects.get(sheet=sheet, cadre=cadre, indicator=indicator)
    cell = services.Cell(cadre.pk, indicator.pk, value, version=entry.version)
    return services.entries_save(actor=user, sheet=ScoreSheet.objects.get(pk=sheet.pk), cells=[cell])


def test_a_score_saved_recomputes_only_its_populations_ranking_the_same_as_a_full_recompute(
    two_populations, personas, cadres
):
    period, agency, village = two_populations
    # A village row altered behind the results' back: a recompute of the village scheme would mend it.
    marked = MonthlyResult.objects.filter(period=period, scheme=village.scheme_id).order_by("rank")[0]
    MonthlyResult.objects.filter(pk=marked.pk).update(total=Decimal("1.00"), digest="")
    before = _stored(period, agency)
    assert len({row[3] for row in before.values()}) == 1  # all equal: one rank shared

    with CaptureQueriesContext(connection) as queries:
        assert _save_one(agency, personas["scorer"], cadres[1], "10") == 1
    after = _stored(period, agency)
    assert after[cadres[1].pk][3] == 1 and {after[c][3] for c in after if c != cadres[1].pk} == {2}
    # The village scheme's rows were neither read in full nor written: the altered total stays.
    assert MonthlyResult.objects.get(pk=marked.pk).total == Decimal("1.00")
    # Only the saved population's results were compared: no stored row of the village scheme read.
    result_reads = [q["sql"] for q in queries.captured_queries if 'FROM "scoring_monthlyresult"' in q["sql"]]
    assert result_reads and all(
        '"scheme_id" IN (' in sql or f'"scheme_id" = {agency.scheme_id}' in sql for sql in result_reads
    )
    # The ranking stored after the save is exactly what a whole recompute of the month gives.
    results.period_recompute(period)
    assert _stored(period, agency) == after
    assert MonthlyResult.objects.get(pk=marked.pk).total != Decimal("1.00")  # the full one mends all


def test_a_change_reaching_every_population_still_recomputes_them_all(two_populations):
    period, agency, village = two_populations
    rows = MonthlyResult.objects.filter(period=period).order_by("pk")
    rows.update(total=Decimal("1.00"), digest="")
    # A weight, a democratic result, a supervision item, a bonus: announced without schemes.
    events.inputs_changed(sender=ScoreSheet, town=period.town, months=[period.month])
    assert not rows.filter(total=Decimal("1.00")).exists()


def test_an_unchanged_recompute_reads_no_stored_breakdown_and_writes_nothing(two_populations):
    period, _agency, _village = two_populations
    with CaptureQueriesContext(connection) as queries:
        results.period_recompute(period)
    reads = [q["sql"] for q in queries.captured_queries if "scoring_monthlyresult" in q["sql"]]
    assert reads and not any('"breakdown"' in sql for sql in reads)
    assert not any(sql.startswith(("UPDATE", "INSERT", "DELETE")) for sql in reads)


def test_rows_stored_without_a_digest_are_compared_in_full_once_and_propose_no_correction(two_populations):
    period, _agency, _village = two_populations
    period.status = PeriodStatus.PUBLISHED
    period.save(update_fields=["status"])
    digests = dict(MonthlyResult.objects.values_list("pk", "digest"))
    assert all(digests.values())
    MonthlyResult.objects.update(digest="")  # as stored before digests existed
    results.period_recompute(period)  # published: a difference would be a pending correction
    assert not Correction.objects.exists()
    assert dict(MonthlyResult.objects.values_list("pk", "digest")) == digests
    # A digest that differs while the content is the same (read back in another key order): the same.
    MonthlyResult.objects.update(digest="0" * 32)
    results.period_recompute(period)
    assert not Correction.objects.exists()
    assert dict(MonthlyResult.objects.values_list("pk", "digest")) == digests


# The queries of one score saved, pinned (issue 10, point 7): the sheet locked, its indicators, the
# saved cadres' postings and names, their entries, the sheet's excusals, the update, the audit entry
# (its head read, the entry, the head moved, in a savepoint), the sheet's revision; then the month
# locked once, the year's schemes with whether each has its basis stored, the scheme in force
# (weights, indicators), its stored basis, its excusals, its roster, its stored rows' digests and
# standings, the saved cadres' bonus and deduction shares and entries (not the sheet's), the
# quarter's democratic scores and the month's supervision points, the changed row, the others'
# moved ranks (one statement for them all), the month's time of computing; savepoints around the
# save and the recompute. A save that moves no other cadre's rank takes one query less.
SAVE_QUERIES = 32


def test_a_score_saved_takes_a_fixed_number_of_queries(
    two_populations, personas, cadres, django_assert_num_queries
):
    period, agency, _village = two_populations
    indicator = agency.scheme.indicators.get(rule_kind=RuleKind.MANUAL, code="1.1")
    for cadre, value in ((cadres[1], "10"), (cadres[2], "9")):  # another cell, another cadre: the same
        entry = ScoreEntry.objects.get(sheet=agency, cadre=cadre, indicator=indicator)
        cell = services.Cell(cadre.pk, indicator.pk, value, version=entry.version)
        sheet = ScoreSheet.objects.get(pk=agency.pk)
        with django_assert_num_queries(SAVE_QUERIES):
            assert services.entries_save(actor=personas["scorer"], sheet=sheet, cells=[cell]) == 1


def test_a_whole_month_reads_each_input_once_for_all_its_schemes(two_populations):
    """Computing a town-month reads each kind of input once, not once a scheme: a month of two
    schemes takes one query more than a month of one (the second sheet's entries: read a sheet at
    a time, as they come, which costs less than sorting one query's rows out by scheme)."""
    period, _agency, village = two_populations

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            bases, _rows = results.compute_month(period)
        return len(bases), len(queries)

    schemes, both = counted()
    assert schemes == 2
    Scheme.objects.filter(pk=village.scheme_id).update(year=2025)  # the month has one scheme now
    assert counted() == (1, both - 1)

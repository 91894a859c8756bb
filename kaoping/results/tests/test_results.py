"""Stored monthly results: computed from the month's inputs, replaced on recompute, ranked."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.indicators.models import AdjustmentReason, Indicator, IndicatorWeight
from kaoping.people.models import AgencyCategory
from kaoping.results import results
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring.models import (
    Adjustment,
    AdjustmentShare,
    Period,
    ScoreEntry,
    ScoreSheet,
)

from ..models import MonthlyResult, ResultBasis


@pytest.fixture
def month(town, personas):
    scheme = testing.make_scheme(town, bonus_cap_month=Decimal(1), bonus_cap_year=Decimal("1.5"))
    period = Period.objects.create(town=town, month=date(2026, 1, 1))
    sheet = ScoreSheet.objects.create(period=period, scheme=scheme)
    return scheme, period, sheet


def _score(sheet, cadre, code, value, user):
    indicator = Indicator.objects.get(scheme=sheet.scheme, code=code)
    ScoreEntry.objects.create(
        sheet=sheet, cadre=cadre, indicator=indicator, value=Decimal(value), updated_by=user
    )


@pytest.mark.django_db
def test_a_month_is_computed_ranked_and_explained(month, town, personas):
    scheme, period, sheet = month
    a = personas["cadre"].cadre
    b = testing.make_cadre(town, "李强", 1, agency_category=AgencyCategory.NON_ESTABLISHED)
    user = personas["scorer"]
    _score(sheet, a, "1.1", "8", user)  # 0.8 × 60 = 48
    _score(sheet, a, "1.2", "1", user)  # 1 × 40 = 40 → 88
    _score(sheet, b, "1.1", "10", user)  # 60
    _score(sheet, b, "1.2", "0", user)  # 0 → 60
    assert results.period_recompute(period) == 2
    ra, rb = with_basis(MonthlyResult.objects).get(cadre=a), MonthlyResult.objects.get(cadre=b)
    assert (ra.total, ra.rank, rb.total, rb.rank) == (Decimal("88.00"), 1, Decimal("60.00"), 2)
    assert ra.group == AgencyCategory.ESTABLISHED and ra.group_rank == 1
    assert rb.group == AgencyCategory.NON_ESTABLISHED and rb.group_rank == 1
    line = breakdown_lines(ra)[0]
    assert (line["code"], line["raw"], line["weight"], line["category"]) == (
        "1.1",
        "8.00",
        "60.00",
        "党的建设",
    )


@pytest.mark.django_db
def test_recomputing_unchanged_inputs_gives_identical_rows(month, personas):
    scheme, period, sheet = month
    _score(sheet, personas["cadre"].cadre, "1.1", "7.5", personas["scorer"])
    results.period_recompute(period)
    first = list(MonthlyResult.objects.values("cadre_id", "total", "rank", "breakdown"))
    results.period_recompute(period)
    assert list(MonthlyResult.objects.values("cadre_id", "total", "rank", "breakdown")) == first


@pytest.mark.django_db
def test_a_weight_change_from_march_leaves_january_as_it_was(month, town, personas):
    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "5", personas["scorer"])  # January: 0.5 × 60 = 30 of 100
    results.period_recompute(period)
    january = MonthlyResult.objects.get(period=period, cadre=cadre).total
    manual = Indicator.objects.get(scheme=scheme, code="1.1")
    IndicatorWeight.objects.create(indicator=manual, effective_from=date(2026, 3, 1), weight=Decimal(90))
    results.period_recompute(period)
    assert MonthlyResult.objects.get(period=period, cadre=cadre).total == january == Decimal("30.00")
    march = Period.objects.create(town=town, month=date(2026, 3, 1))
    march_sheet = ScoreSheet.objects.create(period=march, scheme=scheme)
    _score(march_sheet, cadre, "1.1", "5", personas["scorer"])  # March: 0.5 × 90 / 130 × 100
    results.period_recompute(march)
    assert MonthlyResult.objects.get(period=march, cadre=cadre).total == Decimal("34.62")


@pytest.mark.django_db
def test_the_years_bonus_cap_carries_over_from_month_to_month(month, town, personas):
    scheme, january, sheet = month
    cadre = personas["cadre"].cadre
    bonus = AdjustmentReason.objects.get(scheme=scheme, kind="bonus")
    testing.approved_share(
        january, bonus, cadre, "2", by=personas["assessment_office"]
    )  # capped at 1 a month
    results.period_recompute(january)
    assert MonthlyResult.objects.get(period=january, cadre=cadre).bonus == Decimal(1)
    february = Period.objects.create(town=town, month=date(2026, 2, 1))
    ScoreSheet.objects.create(period=february, scheme=scheme)
    testing.approved_share(
        february, bonus, cadre, "1", by=personas["assessment_office"]
    )  # only 0.5 left of 1.5
    results.period_recompute(february)
    assert MonthlyResult.objects.get(period=february, cadre=cadre).bonus == Decimal("0.5")


@pytest.mark.django_db
def test_draft_adjustments_do_not_count(month, personas):
    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    reason = AdjustmentReason.objects.get(scheme=scheme, kind="deduction")
    adjustment = Adjustment.objects.create(
        period=period,
        reason=reason,
        kind=reason.kind,
        title="未审批",
        created_by=personas["assessment_office"],
    )
    AdjustmentShare.objects.create(adjustment=adjustment, cadre=cadre, points=Decimal(3))
    results.period_recompute(period)
    assert MonthlyResult.objects.get(period=period, cadre=cadre).deduction == 0


@pytest.mark.django_db
def test_village_heads_are_also_ranked_among_themselves(town, personas):
    scheme = testing.make_scheme(town, population="village")
    period = Period.objects.create(town=town, month=date(2026, 1, 1))
    sheet = ScoreSheet.objects.create(period=period, scheme=scheme)
    head = testing.make_cadre(town, "村支书", 2, population="village", is_village_head=True)
    member = testing.make_cadre(town, "村委员", 3, population="village")
    _score(sheet, member, "1.1", "10", personas["scorer"])
    _score(sheet, head, "1.1", "5", personas["scorer"])
    results.period_recompute(period)
    assert MonthlyResult.objects.get(cadre=head).rank == 2
    assert MonthlyResult.objects.get(cadre=head).group_rank == 1
    assert MonthlyResult.objects.get(cadre=member).group_rank is None


@pytest.mark.django_db
def test_the_month_stores_its_basis_once_and_each_cadre_only_their_values(month, town, personas):
    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "7.5", personas["scorer"])  # 0.75 × 60 = 45; 1.2 not scored
    results.period_recompute(period)
    basis = ResultBasis.objects.get(period=period, scheme=scheme).basis
    assert [(i["code"], i["weight"], i["rule"]["kind"]) for i in basis["indicators"]] == [
        ("1.1", "60.00", "manual"),
        ("1.2", "40.00", "pass_fail"),
    ]
    result = with_basis(MonthlyResult.objects).get(cadre=cadre)
    assert result.breakdown["values"] == ["7.50", None]
    assert [(line["raw"], line["points"], line["vetoed"]) for line in breakdown_lines(result)] == [
        ("7.50", "45", False),
        (None, "0", False),
    ]


@pytest.mark.django_db
def test_the_breakdown_page_explains_every_line_and_refuses_values_changed_behind_its_back(
    month, town, personas, client_for, caplog
):
    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "7.5", personas["scorer"])
    _score(sheet, cadre, "1.2", "1", personas["scorer"])  # 45 + 40 = 85
    results.period_recompute(period)
    url = reverse("scoring:breakdown", args=[town.slug, "2026-01", cadre.pk])
    page = client_for(personas["assessment_office"]).get(url).content.decode()
    assert "党建工作" in page and "7.5" in page and "45.00" in page and "85.00" in page
    # Someone edits the stored values in the database: the lines no longer add up to the score.
    result = MonthlyResult.objects.get(cadre=cadre)
    result.breakdown["values"] = ["10.00", "1.00"]
    MonthlyResult.objects.filter(pk=result.pk).update(breakdown=result.breakdown)
    with caplog.at_level("ERROR", logger="kaoping.scoring.selectors"):
        page = client_for(personas["assessment_office"]).get(url).content.decode()
    assert "党建工作" not in page and "85.00" in page
    assert "The indicator lines of this result cannot be shown" in page or "无法显示本结果的指标明细" in page
    assert f"result {result.pk} does not match its basis" in caplog.text


@pytest.mark.django_db
def test_recomputing_a_town_month_takes_a_fixed_number_of_queries(
    month, town, personas, django_assert_max_num_queries
):
    scheme, period, sheet = month
    expected = {}
    for serial in range(40):
        cadre = testing.make_cadre(town, f"干部{serial}", 300 + serial)
        _score(sheet, cadre, "1.1", str(serial % 11), personas["scorer"])
        expected[cadre.pk] = Decimal(serial % 11 * 6)  # value / 10 × 60
    expected[personas["cadre"].cadre_id] = Decimal(0)  # active, not scored
    with django_assert_max_num_queries(20):
        scored = results.period_recompute(period)
    assert scored == 41
    stored = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "total"))
    assert stored == expected
    ranks = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "rank"))
    assert ranks == {
        c: 1 + sum(other > total for other in expected.values()) for c, total in expected.items()
    }


def _equal_totals(month, town, personas, monkeypatch):
    """Two cadres with 96.00 each: A by performance 100 and democratic 80, B by 97 and 92."""
    scheme, period, sheet = month
    a = personas["cadre"].cadre
    b = testing.make_cadre(town, "李强", 1)
    user = personas["scorer"]
    _score(sheet, a, "1.1", "10", user)  # 60
    _score(sheet, a, "1.2", "1", user)  # 40 → 100; total 0.8 × 100 + 0.2 × 80 = 96
    _score(sheet, b, "1.1", "9.5", user)  # 57
    _score(sheet, b, "1.2", "1", user)  # 40 → 97; total 0.8 × 97 + 0.2 × 92 = 96
    monkeypatch.setattr(results, "month_inputs", lambda p: ({a.pk: Decimal(80), b.pk: Decimal(92)}, {}))
    return scheme, period, a, b


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("chain", "ranks"),
    [
        (["performance", "democratic"], ("a", 1, "b", 2)),
        (["democratic", "performance"], ("b", 1, "a", 2)),
        ([], ("a", 1, "b", 1)),
    ],
)
def test_equal_totals_are_ranked_by_the_schemes_tie_break_chain(
    month, town, personas, monkeypatch, chain, ranks
):
    scheme, period, a, b = _equal_totals(month, town, personas, monkeypatch)
    scheme.tie_breaks = chain
    scheme.save(update_fields=["tie_breaks"])
    results.period_recompute(period)
    stored = {r.cadre_id: r for r in MonthlyResult.objects.filter(period=period)}
    assert stored[a.pk].total == stored[b.pk].total == Decimal("96.00")
    cadres = {"a": a, "b": b}
    first, first_rank, second, second_rank = ranks
    assert (stored[cadres[first].pk].rank, stored[cadres[second].pk].rank) == (first_rank, second_rank)
    # the pool (both are established staff) is ranked by the same chain
    assert stored[a.pk].group == stored[b.pk].group
    assert (stored[cadres[first].pk].group_rank, stored[cadres[second].pk].group_rank) == (
        first_rank,
        second_rank,
    )


@pytest.mark.django_db
def test_supervision_points_and_the_quarters_democratic_score_flow_into_the_month(
    month, personas, monkeypatch
):
    from kaoping.engine import engine

    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "10", personas["scorer"])
    _score(sheet, cadre, "1.2", "1", personas["scorer"])  # 100
    monkeypatch.setattr(
        results,
        "month_inputs",
        lambda p: ({cadre.pk: Decimal(80)}, {cadre.pk: [engine.ProcessPoint(9, Decimal("-2"), "逾期")]}),
    )
    results.period_recompute(period)
    result = MonthlyResult.objects.get(period=period, cadre=cadre)
    # assessment 100 - 2 = 98; total = 0.8 × 98 + 0.2 × 80 = 94.40
    assert result.total == Decimal("94.40")
    assert result.breakdown["process"] == [{"item": 9, "points": "-2", "label": "逾期"}]
    assert result.democratic == Decimal(80)


@pytest.mark.django_db
def test_results_stored_with_full_lines_before_the_basis_existed_are_converted(month, town, personas):
    from importlib import import_module

    from django.apps import apps

    convert = import_module("kaoping.scoring.migrations.0002_result_basis").convert
    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "7.5", personas["scorer"])
    _score(sheet, cadre, "1.2", "1", personas["scorer"])
    results.period_recompute(period)
    result = with_basis(MonthlyResult.objects).get(cadre=cadre)
    explained = breakdown_lines(result)
    # As a month was stored before: every line in full in the row, no basis.
    old = {k: v for k, v in result.breakdown.items() if k != "values"}
    old["lines"] = explained
    MonthlyResult.objects.filter(pk=result.pk).update(breakdown=old)
    ResultBasis.objects.all().delete()
    convert(testing.AppsOfThatTime(apps), None)
    result = with_basis(MonthlyResult.objects).get(pk=result.pk)
    assert "lines" not in result.breakdown and result.breakdown["values"] == ["7.50", "1.00"]
    assert breakdown_lines(result) == explained


@pytest.mark.django_db
def test_a_later_input_that_would_move_a_published_month_becomes_its_pending_correction(
    month, personas, monkeypatch
):
    from kaoping.audit.models import AuditEntry
    from kaoping.results.models import Correction
    from kaoping.scoring.models import PeriodStatus

    scheme, period, sheet = month
    cadre = personas["cadre"].cadre
    _score(sheet, cadre, "1.1", "10", personas["scorer"])
    _score(sheet, cadre, "1.2", "1", personas["scorer"])  # 100
    results.period_recompute(period)
    office = personas["assessment_office"]
    # Recomputing an open month, or a published one to the same result, proposes nothing.
    results.recompute_months(period.town, [period.month], actor=office, cause="round closed")
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.PUBLISHED)
    results.recompute_months(period.town, [period.month], actor=office, cause="round closed")
    assert not Correction.objects.exists()
    # The quarter's democratic score arrives: 0.8 × 100 + 0.2 × 80 = 96, proposed, not applied.
    monkeypatch.setattr(results, "month_inputs", lambda p: ({cadre.pk: Decimal(80)}, {}))
    results.recompute_months(period.town, [period.month], actor=office, cause="round closed")
    assert MonthlyResult.objects.get(period=period, cadre=cadre).total == Decimal("100.00")
    correction = Correction.objects.get(period=period)
    assert (correction.status, correction.causes, correction.caused_by) == (
        "pending",
        ["round closed"],
        office,
    )
    assert correction.changes == [
        {
            "cadre": cadre.pk,
            "name": cadre.name,
            "old": {"total": "100.00", "rank": 1, "group_rank": 1},
            "new": {"total": "96.00", "rank": 1, "group_rank": 1},
        }
    ]
    entry = AuditEntry.objects.get(action="correction.create")
    key = f"{cadre.name} ({cadre.pk})"
    assert (entry.actor, entry.note) == (office, "round closed")
    assert (entry.old, entry.new) == ({key: "100.00 #1"}, {key: "96.00 #1"})
    # Recomputing again changes nothing: still one pending correction, same version.
    results.recompute_months(period.town, [period.month], actor=office, cause="round closed")
    assert Correction.objects.get().version == 1
    # The input goes back: the fresh computation equals what was published, the proposal goes.
    monkeypatch.setattr(results, "month_inputs", lambda p: ({}, {}))
    results.recompute_months(period.town, [period.month], actor=office, cause="round reopened")
    assert not Correction.objects.exists()
    assert AuditEntry.objects.filter(action="correction.withdraw").count() == 1


@pytest.mark.django_db
def test_a_bonus_approved_in_an_open_month_that_moves_a_later_published_month_is_proposed(
    month, town, personas
):
    from kaoping.results.models import Correction
    from kaoping.scoring.models import PeriodStatus

    scheme, january, sheet = month
    cadre = personas["cadre"].cadre
    bonus = AdjustmentReason.objects.get(scheme=scheme, kind="bonus")
    results.period_recompute(january)
    february = Period.objects.create(town=town, month=date(2026, 2, 1), status=PeriodStatus.PUBLISHED)
    testing.approved_share(february, bonus, cadre, "1", by=personas["assessment_office"])
    results.period_recompute(february)  # 0 + 1 bonus: its first computation is what is published
    office = personas["assessment_office"]
    # January, still open, gets a bonus of 1: the year's cap of 1.5 leaves February 0.5.
    testing.approved_share(january, bonus, cadre, "1", by=office)
    results.recompute_from(january, actor=office, cause="bonus approved")
    assert MonthlyResult.objects.get(period=february).total == Decimal("1.00")
    correction = Correction.objects.get()
    assert (correction.period, correction.causes) == (february, ["bonus approved"])
    assert [(c["old"]["total"], c["new"]["total"]) for c in correction.changes] == [("1.00", "0.50")]


@pytest.mark.django_db
def test_a_recompute_keeps_each_rows_identity_and_writes_nothing_when_nothing_changed(
    month, town, personas, django_assert_num_queries
):
    scheme, period, sheet = month
    a = personas["cadre"].cadre
    b = testing.make_cadre(town, "李强", 1)
    _score(sheet, a, "1.1", "8", personas["scorer"])
    _score(sheet, b, "1.1", "6", personas["scorer"])
    results.period_recompute(period)
    ids = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    basis_id = ResultBasis.objects.get().pk
    # Unchanged inputs: the same rows, and no UPDATE, INSERT or DELETE of a result or basis.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        results.period_recompute(period)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE", "COPY")) and "scoring_period" not in q["sql"]
    ]
    assert writes == []
    # A changed input: b overtakes a; both rows are updated in place and keep their ids.
    ScoreEntry.objects.filter(cadre=b).update(value=Decimal("9"))
    results.period_recompute(period)
    rows = {r.cadre_id: r for r in MonthlyResult.objects.all()}
    assert {c: r.pk for c, r in rows.items()} == ids
    assert (rows[b.pk].rank, rows[a.pk].rank) == (1, 2)
    assert rows[b.pk].total == Decimal("54.00")
    assert ResultBasis.objects.get().pk == basis_id
    # A cadre newly assessed gets a row; one excused (no longer assessed) loses theirs; others stay.
    c = testing.make_cadre(town, "王芳", 2)
    _score(sheet, c, "1.1", "1", personas["scorer"])
    from kaoping.scoring.models import Excusal

    ScoreEntry.objects.filter(cadre=a).delete()
    Excusal.objects.create(sheet=sheet, cadre=a, reason="leave", created_by=personas["scorer"])
    results.period_recompute(period)
    after = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    assert after[b.pk] == ids[b.pk] and a.pk not in after and c.pk in after

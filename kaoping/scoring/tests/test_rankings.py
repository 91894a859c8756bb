from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from kaoping import testing
from kaoping.engine import periods
from kaoping.engine.ranking import Decision
from kaoping.reports import rankings
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus


def test_a_quarter_covers_its_months_so_far():
    assert periods.span_months(date(2026, 5, 1), "quarter") == [date(2026, 4, 1), date(2026, 5, 1)]
    assert periods.span_months(date(2026, 3, 1), "year") == [date(2026, m, 1) for m in (1, 2, 3)]
    assert periods.span_months(date(2026, 3, 1), "month") == [date(2026, 3, 1)]


@pytest.fixture
def history(town, personas):
    scheme = testing.make_scheme(town)
    a = personas["cadre"].cadre
    b = testing.make_cadre(town, "李强", 1)
    c = testing.make_cadre(town, "赵六", 2)
    totals = {1: (90, 80, 85), 2: (80, 90, 85), 3: (70, 70, 85)}  # month: (a, b, c)
    periods = {}
    for m, scores in totals.items():
        period = Period.objects.create(town=town, month=date(2026, m, 1), status=PeriodStatus.PUBLISHED)
        periods[m] = period
        for cadre, total in zip((a, b, c), scores, strict=True):
            MonthlyResult.objects.create(
                period=period,
                cadre=cadre,
                scheme=scheme,
                performance=total,
                bonus=0,
                deduction=0,
                total=Decimal(total),
                rank=1,
                breakdown={},
            )
    return periods, (a, b, c)


@pytest.mark.django_db
def test_the_quarter_ranks_by_the_mean_of_monthly_totals_with_shared_ranks(history):
    periods, (a, b, c) = history
    rows = rankings.ranking(period=periods[3], population="agency", span="quarter")
    # a: 80, b: 80, c: 85 → c 1st, a and b share 2nd (listed by name: 李 before 王)
    assert [(r.cadre, r.score, r.rank) for r in rows] == [
        (c, Decimal("85.00"), 1),
        (b, Decimal("80.00"), 2),
        (a, Decimal("80.00"), 2),
    ]


@pytest.mark.django_db
def test_a_month_not_yet_published_is_left_out_for_those_who_see_published_results_only(history):
    periods, (a, b, c) = history
    Period.objects.filter(pk=periods[3].pk).update(status=PeriodStatus.CLOSED)
    rows = rankings.ranking(period=periods[3], population="agency", span="year", published_only=True)
    assert {r.cadre: r.months for r in rows} == {a: 2, b: 2, c: 2}


def _month_rows(scheme, cadres, month, rows, status=PeriodStatus.PUBLISHED):
    """Stored results of one month: rows are (total, performance, bonus, deduction, democratic, rank)."""
    period = Period.objects.create(town=scheme.town, month=date(2026, month, 1), status=status)
    for cadre, (total, performance, bonus, deduction, democratic, rank) in zip(cadres, rows, strict=True):
        MonthlyResult.objects.create(
            period=period,
            cadre=cadre,
            scheme=scheme,
            total=Decimal(total),
            performance=Decimal(performance),
            bonus=Decimal(bonus),
            deduction=Decimal(deduction),
            democratic=None if democratic is None else Decimal(democratic),
            rank=rank,
            group=cadre.agency_category,
            group_rank=rank,
            breakdown={},
        )
    return period


@pytest.fixture
def tied(town, personas):
    """A quarter where 王小明 and 李强 have equal mean totals (85.00) but not equal performance."""
    scheme = testing.make_scheme(town, tie_breaks=["fewer_deductions", "performance"])
    a = personas["cadre"].cadre  # 王小明
    b = testing.make_cadre(town, "李强", 1)
    c = testing.make_cadre(town, "赵六", 2)
    _month_rows(
        scheme,
        (a, b, c),
        4,
        [("90", "90", "0", "0", None, 1), ("80", "80", "0", "0", None, 2), ("70", "70", "0", "0", None, 3)],
    )
    may = _month_rows(
        scheme,
        (a, b, c),
        5,
        [("80", "80", "0", "0", None, 2), ("90", "91", "0", "1", None, 1), ("70", "70", "0", "0", None, 3)],
    )
    # quarter means: a 85.00 (performance 85.00, deduction 0.00), b 85.00 (85.50, 0.50), c 70.00
    return scheme, may, (a, b, c)


@pytest.mark.django_db
def test_a_quarter_breaks_equal_means_by_the_schemes_chain_and_says_how(tied):
    scheme, may, (a, b, c) = tied
    rows = rankings.ranking(period=may, population="agency", span="quarter")
    assert [(r.cadre, r.score, r.rank) for r in rows] == [
        (a, Decimal("85.00"), 1),  # no deduction: first by fewer deductions, whatever the performance
        (b, Decimal("85.00"), 2),
        (c, Decimal("70.00"), 3),
    ]
    assert rows[1].decided_by == Decision("fewer_deductions", Decimal("0.00"), Decimal("0.50"), a.pk)
    assert rows[1].above == a
    assert rows[0].decided_by is None and rows[2].decided_by is None
    with translation.override("en"):
        assert rows[1].decided_by_text == "Same score as 王小明; by “Fewer deduction points”: 0.00 < 0.50"
    with translation.override("zh-hans"):
        assert rows[1].decided_by_text == "与王小明同分，按“扣分少者在前”比较：0.00 < 0.50"


@pytest.mark.django_db
def test_the_year_to_date_uses_the_same_chain_and_the_next_criterion_where_the_first_is_equal(tied):
    scheme, may, (a, b, c) = tied
    scheme.tie_breaks = ["performance", "fewer_deductions"]
    scheme.save(update_fields=["tie_breaks"])
    rows = rankings.ranking(period=may, population="agency", span="year")
    assert [(r.cadre, r.rank) for r in rows] == [(b, 1), (a, 2), (c, 3)]  # performance 85.50 > 85.00
    assert rows[1].decided_by == Decision("performance", Decimal("85.50"), Decimal("85.00"), b.pk)


@pytest.mark.django_db
def test_a_pool_over_a_span_is_ranked_by_the_chain_too(tied):
    scheme, may, (a, b, c) = tied
    rows = rankings.ranking(period=may, population="agency", pool=a.agency_category, span="quarter")
    assert [(r.cadre, r.rank) for r in rows] == [(a, 1), (b, 2), (c, 3)]


@pytest.mark.django_db
def test_without_a_chain_equal_means_share_a_rank_and_nothing_is_said(tied):
    scheme, may, (a, b, c) = tied
    scheme.tie_breaks = []
    scheme.save(update_fields=["tie_breaks"])
    rows = rankings.ranking(period=may, population="agency", span="quarter")
    assert [(r.cadre, r.rank, r.decided_by_text) for r in rows] == [(b, 1, ""), (a, 1, ""), (c, 3, "")]


@pytest.mark.django_db
def test_a_month_shows_its_stored_ranks_and_what_decided_between_equal_totals(town, personas):
    scheme = testing.make_scheme(town, tie_breaks=["performance"])
    a, b = personas["cadre"].cadre, testing.make_cadre(town, "李强", 1)
    june = _month_rows(
        scheme, (a, b), 6, [("88", "86.5", "1.5", "0", None, 1), ("88", "88", "0", "0", None, 2)]
    )
    rows = rankings.ranking(period=june, population="agency")
    # stored as computed: 王小明 first. The stored order stands; no reason is made up against it
    assert [(r.cadre, r.rank, r.decided_by) for r in rows] == [(a, 1, None), (b, 2, None)]
    MonthlyResult.objects.filter(period=june, cadre=a).update(rank=2)
    MonthlyResult.objects.filter(period=june, cadre=b).update(rank=1)
    rows = rankings.ranking(period=june, population="agency")
    assert [(r.cadre, r.rank) for r in rows] == [(b, 1), (a, 2)]
    assert rows[1].decided_by == Decision("performance", Decimal("88.00"), Decimal("86.50"), b.pk)


@pytest.mark.django_db
def test_a_span_mean_rounds_half_up_from_the_exact_stored_totals(town, personas):
    scheme = testing.make_scheme(town)
    a, b = personas["cadre"].cadre, testing.make_cadre(town, "李强", 1)
    _month_rows(scheme, (a, b), 1, [("85.12", "0", "0", "0", None, 1), ("80.00", "0", "0", "0", None, 2)])
    feb = _month_rows(
        scheme, (a, b), 2, [("85.13", "0", "0", "0", None, 1), ("80.01", "0", "0", "0", None, 2)]
    )
    rows = rankings.ranking(period=feb, population="agency", span="quarter")
    # 85.125 → 85.13 (half-up, not half-even); 80.005 → 80.01 (a mean in floats is 80.00499…: 80.00)
    assert [r.score for r in rows] == [Decimal("85.13"), Decimal("80.01")]

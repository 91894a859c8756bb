from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.scoring import rankings
from kaoping.scoring.models import MonthlyResult, Period, PeriodStatus


def test_a_quarter_covers_its_months_so_far():
    assert rankings.span_months(date(2026, 5, 1), "quarter") == [date(2026, 4, 1), date(2026, 5, 1)]
    assert rankings.span_months(date(2026, 3, 1), "year") == [date(2026, m, 1) for m in (1, 2, 3)]
    assert rankings.span_months(date(2026, 3, 1), "month") == [date(2026, 3, 1)]


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

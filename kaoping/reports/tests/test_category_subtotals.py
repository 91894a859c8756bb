"""A month's ranking shows each cadre's category subtotals (公开), worked out from the month's stored
basis: each equals the sum of the cadre's breakdown lines in that category."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse

from kaoping.reports import frozen, rankings
from kaoping.results.models import MonthlyResult
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring.models import Period, PeriodStatus

pytestmark = pytest.mark.django_db


def test_each_row_shows_its_points_per_category_as_its_breakdown_adds_them(
    client_for, personas, town, complete, django_assert_max_num_queries
):
    period = complete.period
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.PUBLISHED)
    period.refresh_from_db()
    response = client_for(personas["assessment_office"]).get(
        reverse("scoring:ranking", args=[town.slug, "2026-03"]) + "?population=agency"
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert response.context["categories"] == ["党的建设", "乡村振兴"]
    page = response.content.decode()
    assert "党的建设</th>" in page and "乡村振兴</th>" in page
    for row in rows:
        result = with_basis(MonthlyResult.objects.filter(pk=row.result.pk)).get()
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in breakdown_lines(result):
            sums[line["category"]] += Decimal(line["points"])
        expected = [sums[name].quantize(Decimal("0.01"), ROUND_HALF_UP) for name in ("党的建设", "乡村振兴")]
        assert row.categories == expected, row.cadre.name
        assert sum(expected) > 0
    # Three queries whatever the number of rows: the month's state, the basis and the raw values.
    caches[frozen.CACHE].clear()
    with django_assert_max_num_queries(3):
        rankings.category_subtotals(period, rows)


def test_a_published_months_subtotals_are_worked_out_once_for_every_language_and_table(
    client_for, personas, town, complete, monkeypatch
):
    computed = []
    compute = rankings.engine.compute
    monkeypatch.setattr(rankings.engine, "compute", lambda *a, **k: computed.append(1) or compute(*a, **k))
    client = client_for(personas["assessment_office"])
    url = reverse("scoring:ranking", args=[town.slug, "2026-03"]) + "?population=agency"
    Period.objects.filter(pk=complete.period.pk).update(status=PeriodStatus.PUBLISHED)
    pages = [
        client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"),
        client.get(url, HTTP_ACCEPT_LANGUAGE="en"),
        client.get(url, HTTP_HX_REQUEST="true"),
    ]
    assert all(p.status_code == 200 and p.context["categories"] == ["党的建设", "乡村振兴"] for p in pages)
    assert [r.categories for r in pages[1].context["rows"]] == [
        r.categories for r in pages[0].context["rows"]
    ]
    assert len(computed) == 1


def test_a_month_not_published_has_its_subtotals_worked_out_at_every_call(town, complete, monkeypatch):
    computed = []
    compute = rankings.engine.compute
    monkeypatch.setattr(rankings.engine, "compute", lambda *a, **k: computed.append(1) or compute(*a, **k))
    period = complete.period
    rows = rankings.ranking_page(
        period=period, population="agency", pool="", span="month", published_only=False
    ).rows
    rankings.category_subtotals(period, rows)
    rankings.category_subtotals(period, rows)
    assert len(computed) == 2


def test_a_span_of_months_or_a_month_not_published_has_no_category_columns(
    client_for, personas, town, complete
):
    response = client_for(personas["assessment_office"]).get(
        reverse("scoring:ranking", args=[town.slug, "2026-03"]) + "?population=agency"
    )
    assert response.status_code == 200 and response.context["categories"] == []
    Period.objects.filter(pk=complete.period.pk).update(status=PeriodStatus.PUBLISHED)
    response = client_for(personas["assessment_office"]).get(
        reverse("scoring:ranking", args=[town.slug, "2026-03"]) + "?population=agency&span=quarter"
    )
    assert response.status_code == 200 and response.context["categories"] == []

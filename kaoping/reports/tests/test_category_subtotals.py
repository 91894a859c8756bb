"""A month's ranking shows each cadre's category subtotals (公开), worked out from the month's stored
basis: each equals the sum of the cadre's breakdown lines in that category."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from kaoping.reports import rankings
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
    # Two queries whatever the number of rows: the basis and the cadres' raw values.
    with django_assert_max_num_queries(2):
        rankings.category_subtotals(period, rows)


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

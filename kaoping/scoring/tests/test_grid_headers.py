"""The grid's column headers: the indicator's name beside its code, the unit of a raw-value column and
the value above which a typed raw value is queried."""

import pytest

from .conftest import url


@pytest.mark.django_db
def test_each_header_names_its_indicator_and_a_raw_column_its_unit(
    client_for, personas, town, sheet, indicators
):
    html = (
        client_for(personas["scorer"])
        .get(url("sheet_grid", town, sheet.pk), headers={"accept-language": "zh-hans"})
        .content.decode()
    )
    assert '<span class="gh-code">1.1</span><span class="gh-name">指标1.1</span><small>满分' in html
    # A completion column counts what was achieved against its target of 100; above 300 is queried.
    assert 'data-code="2.3"' in html
    assert 'data-plausible="300" data-target="100"' in html
    assert '<small class="gh-unit">目标100</small>' in html


@pytest.mark.django_db
def test_a_points_column_has_no_unit_and_no_plausible_limit(client_for, personas, town, sheet, indicators):
    html = client_for(personas["scorer"]).get(url("sheet_grid", town, sheet.pk)).content.decode()
    header = html[html.index('data-code="1.1"') : html.index("</th>", html.index('data-code="1.1"'))]
    assert "data-plausible" not in header and "gh-unit" not in header

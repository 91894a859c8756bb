"""The charts' SVG: whole category names, room around the rank line, empty score bands kept; a chart
drawn once for the same inputs and language; a cadre's own charts not kept apart from their page."""

import re
from decimal import Decimal

from django.core.cache import caches
from django.utils import translation

from kaoping.reports import charts, frozen

CATEGORIES = ["党的建设", "新旧动能转换", "乡村振兴", "民生服务保障", "防范化解风险", "督促落实"]


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_the_category_names_are_never_cut_off():
    svg = charts.category_profile(CATEGORIES, [Decimal("0.5")] * 6, title="得分率")
    labels = _labels(svg)
    for name in CATEGORIES:
        assert name in labels
    assert not any("…" in label for label in labels)


def test_the_left_margin_fits_the_longest_chinese_name():
    # Six Chinese characters at 12 px take 72 px: the margin leaves them that much and more.
    assert charts._label_margin(["防范化解风险"], 12) >= 72
    assert charts._label_margin(["Risk"], 12) < charts._label_margin(["防范化解风险"], 12)


def test_the_categories_read_top_down_in_the_schemes_order():
    svg = charts.category_profile(CATEGORIES, [Decimal("0.5")] * 6, title="得分率")
    ys = {name: float(re.search(rf'y="([\d.]+)"[^>]*>{name}<', svg).group(1)) for name in CATEGORIES}
    assert [ys[n] for n in CATEGORIES] == sorted(ys.values())


def test_the_rank_line_has_room_above_the_best_rank():
    svg = charts.rank_trend(["2026-01", "2026-02", "2026-03"], [3, 1, 2], title="名次")
    assert "2026-01" in _labels(svg)  # the months name their year
    # The axis runs half a place beyond the best and worst ranks: rank 1's grid line is not the frame.
    chart_top = float(
        re.search(r'class="axis y always_show".*?<path d="M[\d.]+ ([\d.]+)', svg, re.S).group(1)
    )
    rank_one = float(re.search(r'<text[^>]*y="([\d.]+)"[^>]*>1</text>', svg).group(1))
    assert rank_one - chart_top > 10


def test_the_histogram_keeps_the_empty_bands_between_scores():
    svg = charts.distribution([Decimal(2), Decimal(76), Decimal(78)], title="分数段")
    labels = _labels(svg)
    for band in ("0–5", "5–10", "40–45", "70–75", "75–80"):
        assert band in labels
    assert "80–85" not in labels  # nobody above 80: no band beyond the last score


def test_the_histogram_counts_whole_cadres():
    svg = charts.distribution([Decimal(76), Decimal(78)], title="分数段")
    assert "0.5" not in _labels(svg)


def test_a_chart_is_drawn_once_for_the_same_inputs_and_language(monkeypatch):
    drawn = []
    svg = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda chart: drawn.append(1) or svg(chart))
    totals = [Decimal(2), Decimal(76), Decimal(78)]
    with translation.override("zh-hans"):
        first = charts.distribution(totals, title="分数段")
        assert charts.distribution(list(totals), title="分数段") == first
        assert len(drawn) == 1
        charts.distribution([*totals, Decimal(90)], title="分数段")
        charts.distribution(totals, title="分数段", bucket=10)
        charts.distribution(totals, title="Score bands")
        assert len(drawn) == 4
    with translation.override("en"):
        charts.distribution(totals, title="分数段")
    assert len(drawn) == 5


def test_a_cadres_own_charts_take_no_entry_of_the_kept_pages_cache():
    # Drawn for one cadre's page, which is kept whole: kept apart too, 300 cadres would fill the
    # worker's 500 entries with charts and push the kept pages out.
    cache = caches[frozen.CACHE]
    cache.clear()
    charts.rank_trend(["2026-01", "2026-02"], [3, 1], title="名次")
    charts.category_profile(CATEGORIES, [Decimal("0.5")] * 6, title="得分率")
    assert len(cache._cache) == 0  # LocMemCache's own store: nothing was set
    charts.distribution([Decimal(76), Decimal(78)], title="分数段")
    assert len(cache._cache) == 1

"""Charts drawn on the server as SVG with pygal: no JavaScript library, no network, prints well.

Each function takes plain numbers and returns SVG markup ready to place in a template.
"""

import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00"),
    font_family='"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif',
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=14,
)
_PYGAL_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_COMMON = {
    "style": _STYLE,
    "js": [],  # pygal's tooltips script lives on a CDN; government intranets have none
    "disable_xml_declaration": True,
    "show_legend": False,
    "height": 260,
    "width": 640,
    "margin": 12,
}


def _svg(chart: pygal.graph.graph.Graph) -> SafeString:
    # pygal always writes an inline <script> with its tooltip settings; without its tooltip script it
    # does nothing, and the Content-Security-Policy refuses inline scripts: drop it.
    svg = _PYGAL_SCRIPT.sub("", chart.render(is_unicode=True))
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels it is given)


def rank_trend(months: Sequence[str], ranks: Sequence[int], *, title: str, **options: object) -> SafeString:
    """Rank month by month; the axis is inverted so that climbing the ranking climbs the line.

    `options` override pygal's settings (e.g. the dossier's years of months label only the Januaries)."""
    settings = {**_COMMON, "inverse_y_axis": True, "dots_size": 4, "min_scale": 1, **options}
    chart = pygal.Line(title=title, **settings)
    chart.x_labels = list(months)
    chart.add(title, list(ranks))
    return _svg(chart)


def distribution(totals: Sequence[Decimal], *, title: str, bucket: int = 5) -> SafeString:
    """How many cadres scored in each band of `bucket` points."""
    counts: dict[int, int] = {}
    for total in totals:
        low = int(total) // bucket * bucket
        counts[low] = counts.get(low, 0) + 1
    bands = sorted(counts)
    chart = pygal.Bar(title=title, **_COMMON)
    chart.x_labels = [f"{low}–{low + bucket}" for low in bands]
    chart.add(title, [counts[low] for low in bands])
    return _svg(chart)


def category_profile(categories: Sequence[str], shares: Sequence[Decimal], *, title: str) -> SafeString:
    """The share of full marks a cadre earned in each category, as horizontal bars (0-100%)."""
    chart = pygal.HorizontalBar(
        title=title, range=(0, 100), **{**_COMMON, "height": 60 + 34 * len(categories)}
    )
    chart.x_labels = list(categories)
    chart.add(title, [round(float(s) * 100, 1) for s in shares])
    return _svg(chart)

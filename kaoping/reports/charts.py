"""Charts drawn on the server as SVG with pygal: no JavaScript library, no network, prints well.

Each function takes plain numbers and returns SVG markup ready to place in a template. Drawing one
takes some 5 ms. A month's distribution of scores recurs (the same for every viewer of its ranking,
in either language, its table and filters): it is kept (frozen.py's cache) under its exact inputs and
the active language, and drawn once. A cadre's rank trend and category profile are drawn for that
cadre's page alone, which is kept whole when its month is published: kept apart as well, they would
only take three entries a cadre of the per-worker cache (500) and push the kept pages out.
"""

import functools
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

import pygal
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from pygal.style import Style

from . import frozen

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


def _kept(draw: Callable[..., SafeString]) -> Callable[..., SafeString]:
    """`draw`, kept under its arguments (lazy texts as the text they are now) and the active language."""

    @functools.wraps(draw)
    def kept(*args: object, **options: object) -> SafeString:
        named = sorted((k, str(v) if isinstance(v, Promise) else v) for k, v in options.items())
        parts = (get_language(), repr(args), repr(named))
        svg = frozen.kept(parts, f"chart:{draw.__name__}", lambda: str(draw(*args, **options)))
        return mark_safe(svg)  # noqa: S308 (drawn by pygal, which escapes the labels it is given)

    return kept


# pygal sizes the label margin for Latin text (about 0.6 em a character); a Chinese character takes a
# full em, so the category names were cut off on the left ("范化解风险" for 防范化解风险).
def _label_margin(labels: Sequence[str], font_size: int) -> int:
    wide = max((sum(1 if ord(ch) > 0x2E80 else 0.6 for ch in label) for label in labels), default=0)
    return int(wide * font_size) + 16


def rank_trend(months: Sequence[str], ranks: Sequence[int], *, title: str, **options: object) -> SafeString:
    """Rank month by month; the axis is inverted so that climbing the ranking climbs the line, with
    half a place of room beyond the best and the worst rank so that no dot sits on the frame.

    `options` override pygal's settings (e.g. the dossier's years of months label only the Januaries)."""
    best, worst = min(ranks), max(ranks)
    step = max(1, (worst - best + 1) // 8)
    settings = {
        **_COMMON,
        "inverse_y_axis": True,
        "dots_size": 4,
        "range": (best - 0.5, worst + 0.5),
        "y_labels": list(range(best, worst + 1, step)),
        "truncate_label": -1,
        "x_label_rotation": -40 if len(months) > 6 else 0,
        **options,
    }
    chart = pygal.Line(title=title, **settings)
    chart.x_labels = list(months)
    chart.add(title, list(ranks))
    return _svg(chart)


@_kept
def distribution(totals: Sequence[Decimal], *, title: str, bucket: int = 5) -> SafeString:
    """How many cadres scored in each band of `bucket` points, empty bands included: a gap in the
    scores shows as a gap, not as two neighbouring bars."""
    counts: dict[int, int] = {}
    for total in totals:
        low = int(total) // bucket * bucket
        counts[low] = counts.get(low, 0) + 1
    bands = list(range(min(counts), max(counts) + 1, bucket)) if counts else []
    top = max(counts.values(), default=1)
    chart = pygal.Bar(
        title=title,
        truncate_label=-1,
        x_label_rotation=-40 if len(bands) > 10 else 0,
        y_labels=list(range(0, top + 1, max(1, top // 6))),  # whole cadres, not 0.2 of one
        **_COMMON,
    )
    chart.x_labels = [f"{low}–{low + bucket}" for low in bands]
    chart.add(title, [counts.get(low, 0) for low in bands])
    return _svg(chart)


def category_profile(categories: Sequence[str], shares: Sequence[Decimal], *, title: str) -> SafeString:
    """The share of full marks a cadre earned in each category, as horizontal bars (0-100%)."""
    chart = pygal.HorizontalBar(
        title=title,
        range=(0, 100),
        truncate_label=-1,
        **{**_COMMON, "height": 60 + 34 * len(categories)},
    )
    # Room for the whole names on the left, beyond what pygal reserves for them itself.
    chart.config.margin_left = _label_margin(categories, _STYLE.label_font_size) // 2
    # pygal draws the first bar at the bottom: reversed, the categories read top-down as in the scheme.
    chart.x_labels = list(reversed(categories))
    chart.add(title, [round(float(s) * 100, 1) for s in reversed(shares)])
    return _svg(chart)

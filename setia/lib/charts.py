"""Server-side SVG charts (pygal), embedded as images so the strict CSP needs no exception.

pygal draws the whole chart in Python and ships no JavaScript that we load (`js=[]`: its
tooltips script would come from a CDN). The SVG carries its own <style>, which the page's
`style-src 'self'` would block inline; as an <img> data: URI it is a separate image document,
allowed by `img-src 'self' data:`. Every chart has a text alternative in the page.
"""

import base64
import hashlib
from collections.abc import Callable
from typing import TypeVar

import pygal
from django.core.cache import cache
from django.utils.translation import get_language
from pygal.style import Style

from setia.lib.money import format_rupiah

# Drawing a chart costs pygal ~10-20 ms; the same figures draw the same picture.
CACHE_SECONDS = 24 * 60 * 60
BRAND = "#0f766e"
MUTED = "#64748b"


def _style(colours) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1f2937",
        foreground_strong="#111827",
        foreground_subtle="#e5e7eb",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        legend_font_size=13,
        title_font_size=15,
        colors=tuple(colours),
        guide_stroke_color="#e5e7eb",
        major_guide_stroke_color="#d1d5db",
        guide_stroke_dasharray="0",
        major_guide_stroke_dasharray="0",
        stroke_width=2.5,
    )


def line_chart(*, colours, rupiah: bool, **options) -> pygal.Line:
    """A line chart whose y-axis reads `Rp 1.234.567` when `rupiah`, else `1.234`."""
    settings = {
        "style": _style(colours),
        "js": [],
        "width": 760,
        "height": 340,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,
        "truncate_label": -1,
        "dots_size": 3,
        "value_formatter": format_rupiah if rupiah else format_count,
        "include_x_axis": True,
        "x_label_rotation": 30,
    }
    return pygal.Line(**{**settings, **options})


def bar_chart(*, colours, rupiah: bool, **options) -> pygal.Bar:
    return pygal.Bar(
        style=_style(colours),
        js=[],
        width=760,
        height=280,
        legend_at_bottom=True,
        truncate_legend=-1,
        truncate_label=-1,
        value_formatter=format_rupiah if rupiah else format_count,
        x_label_rotation=30,
        **options,
    )


def format_count(value) -> str:
    """`12345` → `12.345` (Indonesian grouping, used in both languages like the rupiah)."""
    if value is None:
        return ""
    return f"{round(value):,}".replace(",", ".")


def data_uri(chart) -> str:
    """The chart as a `data:image/svg+xml;base64,…` URI for an <img src>."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.render()).decode("ascii")


Drawn = TypeVar("Drawn")


def cached(name: str, shown: object, draw: Callable[[], Drawn]) -> Drawn:
    """What `draw` returns (charts' data URIs), kept in the cache under a digest of `shown`
    and the language. `shown` is everything the charts show (labels, figures, colours) or what
    identifies it (a customer and the day of its last computation), so a cached chart is never
    out of date: other figures are another key."""
    digest = hashlib.sha256(repr((get_language(), shown)).encode()).hexdigest()
    key = f"charts:{name}:{digest}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = draw()
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn

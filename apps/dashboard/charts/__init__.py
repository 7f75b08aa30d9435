"""Charts as accessible inline SVG, and the same figures as rows. Pure: no Django.

A `Chart` holds exactly what is drawn: categories, one or more series of values, optional notes
under each category (e.g. "12/52") and reference lines (e.g. a baseline rate). `svg()` draws it
at a laptop's or a phone's width and `table()` lists it, both with `format_value`, so the table
under a chart shows the very figures the picture shows; `raw_table()` gives them unformatted for
a spreadsheet. Every chart carries a <title> and <desc>, writes its values as text next to the
marks, never relies on colour alone (a legend names every series), and never cuts a label short:
a long one wraps or turns, and the margins grow to hold it.

Modules: `model` (the chart and its rows), `draw` (shared SVG pieces), `bars` (vertical bars and
lines), `horizontal` (horizontal bars and load).
"""

from apps.dashboard.charts.bars import line as _line
from apps.dashboard.charts.bars import vertical as _vertical
from apps.dashboard.charts.draw import empty as _empty
from apps.dashboard.charts.draw import nice_max, text_width, wrap
from apps.dashboard.charts.horizontal import horizontal as _horizontal
from apps.dashboard.charts.model import (
    BAD,
    BRAND,
    FONT,
    GOOD,
    INK,
    LINE,
    MUTED,
    NARROW,
    PALETTE,
    SMALL,
    STAGE_PALETTE,
    TRACK,
    WARN,
    WIDTH,
    Chart,
    Kind,
    Raw,
    Reference,
    Series,
    format_value,
    raw_table,
    raw_value,
    table,
)

__all__ = [
    "BAD",
    "BRAND",
    "FONT",
    "GOOD",
    "INK",
    "LINE",
    "MUTED",
    "NARROW",
    "PALETTE",
    "SMALL",
    "STAGE_PALETTE",
    "TRACK",
    "WARN",
    "WIDTH",
    "Chart",
    "Kind",
    "Raw",
    "Reference",
    "Series",
    "format_value",
    "nice_max",
    "raw_table",
    "raw_value",
    "svg",
    "table",
    "text_width",
    "wrap",
]


def svg(chart: Chart, *, width: float = WIDTH) -> str:
    """The chart as an inline SVG element (a string of well-formed XML), drawn `width` units wide."""
    if not chart.categories or not chart.has_data:
        return _empty(chart, width)
    if chart.kind in (Kind.BARS, Kind.STACKED):
        return _vertical(chart, width)
    if chart.kind == Kind.LINE:
        return _line(chart, width)
    if chart.kind in (Kind.HBARS, Kind.LOAD):
        return _horizontal(chart, width)
    raise ValueError(f"unknown chart kind {chart.kind!r}")

"""The SVG pieces every chart kind draws with: text (wrapped, never cut), lines, bars, legend, frame."""

import re
from collections.abc import Sequence
from html import escape
from math import ceil, log10

from apps.dashboard.charts.model import FONT, INK, MUTED, SMALL, TRACK, Chart, Kind, Series, format_value

LINE_HEIGHT = 1.25  # of the font size, between the lines of a wrapped label
_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")


def text_width(text: str, size: float = FONT) -> float:
    """How wide a label is drawn, erring wide: CJK characters take a full em, others about 0.62 em."""
    return sum(size if ord(char) > 0x2E80 else size * 0.62 for char in text)


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """The label cut into lines no wider than `width`: between words, or between CJK characters.

    A single word wider than the line is broken between its letters rather than cut off.
    """
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if text_width(line + token, size) <= width or not line.strip():
            line += token
        else:
            lines.append(line.rstrip())
            line = token
        while text_width(line, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def ticks(top: float, unit: str) -> list[float]:
    step = top / 4
    if unit != "%" and step != int(step):
        step = float(ceil(step))
    values, value = [], 0.0
    while value <= top + 1e-9:
        values.append(value)
        value += step
    return values


def tick_text(tick: float, unit: str) -> str:
    return f"{tick:g}" + (" %" if unit == "%" else "")


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = FONT,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "",
    extra: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}'
        f"{extra}>{escape(content)}</text>"
    )


def lines_text(
    x: float,
    y: float,
    lines: list[str],
    *,
    size: int = FONT,
    anchor: str = "start",
    fill: str = INK,
    extra: str = "",
) -> str:
    """A label of several lines, the first baseline at `y` (one plain <text> when it fits on one)."""
    if len(lines) == 1:
        return text(x, y, lines[0], size=size, anchor=anchor, fill=fill, extra=extra)
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if number == 0 else size * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
        for number, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{spans}</text>"
    )


def hline(x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'


def rect(x: float, y: float, w: float, h: float, fill: str, label: str = "") -> str:
    title = f"<title>{escape(label)}</title>" if label else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}" rx="2">'
        f"{title}</rect>"
    )


def colour_of(series: Series, index: int) -> str:
    return series.colours[index] if series.colours else series.colour


def legend_items(chart: Chart) -> list[tuple[str, str, bool]]:
    """(name, colour, dashed) for every series and reference line."""
    if chart.legend:
        items = [(name, colour, False) for name, colour in chart.legend]
    elif chart.kind == Kind.LOAD:
        items = [(chart.series[1].name, chart.series[1].colour, False), (chart.series[0].name, TRACK, False)]
    elif len(chart.series) > 1 or chart.kind == Kind.LINE:
        items = [(series.name, series.colour, False) for series in chart.series]
    else:
        items = []
    return items + [
        (f"{reference.name} {format_value(reference.value, chart.unit)}", reference.colour, True)
        for reference in chart.references
    ]


def legend(chart: Chart, y: float, width: float) -> tuple[list[str], float]:
    """The legend rows from `y`, wrapped at the chart width; returns the parts and the height used.

    An item too long for a row of its own is wrapped onto several lines.
    """
    parts: list[str] = []
    x, top, row_height = 0.0, y, 0.0
    line = SMALL * LINE_HEIGHT
    for name, colour, dashed in legend_items(chart):
        lines = wrap(name, width - 22, SMALL)
        item_width = 22 + max(text_width(part, SMALL) for part in lines) + 16
        if x + item_width > width and x > 0:
            x, top, row_height = 0.0, top + row_height, 0.0
        if dashed:
            parts.append(
                hline(x, top + 6, x + 16, top + 6, colour, ' stroke-width="2" stroke-dasharray="4 3"')
            )
        else:
            parts.append(rect(x, top, 14, 12, colour))
        parts.append(lines_text(x + 20, top + 10, lines, size=SMALL))
        row_height = max(row_height, 18 + (len(lines) - 1) * line)
        x += item_width
    used = top + row_height - y + 6 if parts else 0
    return parts, used


def frame(chart: Chart, width: float, height: float, body: Sequence[str]) -> str:
    ident = f"chart-{chart.key}" + ("" if width >= 640 else "-narrow")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" class="chart-svg" '
        f'id="{ident}">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>' + "".join(body) + "</svg>"
    )


def empty(chart: Chart, width: float) -> str:
    return frame(
        chart,
        width,
        60,
        [
            f'<rect x="0" y="0" width="{width:.0f}" height="60" fill="#f8fafc" rx="8"/>',
            text(width / 2, 35, chart.empty_text, anchor="middle", fill=MUTED),
        ],
    )

"""Charts as accessible inline SVG, and the same figures as CSV rows. Pure: no Django.

A `Chart` holds exactly what is drawn: categories, one or more series of values, optional notes
under each category (e.g. "12/52") and reference lines (e.g. a baseline rate). `svg()` draws it
and `table()` lists it; both format every number with `format_value`, so the CSV export shows
the very figures the picture shows. Every chart carries a <title> and <desc>, writes its values
as text next to the marks, and never relies on colour alone (a legend names every series).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from math import ceil, log10

# The workspace palette (static/css/workspace.css).
INK = "#1d2433"
MUTED = "#5b6475"
LINE = "#d9dee8"
BRAND = "#0f766e"
WARN = "#b45309"
BAD = "#b91c1c"
GOOD = "#15803d"
TRACK = "#e2e8f0"
# Series colours in order: teal, amber, slate blue, red; sequential meaning where order matters.
PALETTE = (BRAND, "#d97706", "#4f6d9a", BAD, "#14b8a6", "#7c3aed")
STAGE_PALETTE = (BRAND, "#14b8a6", "#d97706", BAD, "#7c3aed", MUTED)

WIDTH = 640
FONT = 12
SMALL = 11


class Kind:
    BARS = "bars"  # vertical bars, one series or grouped
    STACKED = "stacked"  # vertical bars, the series stacked, the total on top
    LINE = "line"  # one line per series over the categories (e.g. days)
    HBARS = "hbars"  # horizontal bars, one series or grouped, for long category names
    LOAD = "load"  # horizontal bars against a limit: series[0] the limit, series[1] the value


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: str = BRAND
    # One colour per category (e.g. aging bars coloured by stage); overrides `colour`.
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A value drawn as a dashed line across the chart, e.g. the article's baseline."""

    name: str
    value: float
    colour: str = MUTED


@dataclass(frozen=True)
class Chart:
    key: str
    kind: str
    title: str
    description: str
    category_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # "%" for rates (values 0..100), "" for counts
    notes_label: str = ""
    notes: tuple[str, ...] = ()  # a short text under or beside each category
    references: tuple[Reference, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (name, colour) when series colours are per category
    empty_text: str = "No data"
    total_label: str = "Total"  # STACKED: the total drawn on top of each bar
    # For LOAD: which categories are at or over their limit (drawn in the warning colour).
    flagged: tuple[bool, ...] = field(default=())

    @property
    def has_data(self) -> bool:
        return any(value for series in self.series for value in series.values if value)


def format_value(value: float | None, unit: str) -> str:
    """The text of a value, as drawn and as exported: counts whole, rates to one decimal."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f} %"
    return f"{round(value):,}".replace(",", " ") if abs(value) >= 10_000 else f"{round(value)}"


def table(chart: Chart) -> list[list[str]]:
    """The chart's figures as rows, a header first: category, each series (and a stack's total), the
    notes, the references."""
    stacked = chart.kind == Kind.STACKED
    header = [chart.category_label, *(series.name for series in chart.series)]
    if stacked:
        header.append(chart.total_label)
    if chart.notes:
        header.append(chart.notes_label)
    header += [reference.name for reference in chart.references]
    rows = [header]
    for index, category in enumerate(chart.categories):
        row = [category, *(format_value(series.values[index], chart.unit) for series in chart.series)]
        if stacked:
            row.append(format_value(sum(series.values[index] or 0 for series in chart.series), chart.unit))
        if chart.notes:
            row.append(chart.notes[index])
        row += [format_value(reference.value, chart.unit) for reference in chart.references]
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------ helpers


def text_width(text: str, size: float = FONT) -> float:
    """Roughly how wide a label is: CJK characters take a full em, others about half."""
    return sum(size if ord(char) > 0x2E80 else size * 0.58 for char in text)


def _clip(text: str, width: float, size: float = FONT) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _ticks(top: float, unit: str) -> list[float]:
    step = top / 4
    if unit != "%" and step != int(step):
        step = float(ceil(step))
    ticks, value = [], 0.0
    while value <= top + 1e-9:
        ticks.append(value)
        value += step
    return ticks


def _text(
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


def _hline(x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'


def _rect(x: float, y: float, w: float, h: float, fill: str, label: str = "") -> str:
    title = f"<title>{escape(label)}</title>" if label else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}" rx="2">'
        f"{title}</rect>"
    )


def _colour(series: Series, index: int) -> str:
    return series.colours[index] if series.colours else series.colour


def _legend_items(chart: Chart) -> list[tuple[str, str, bool]]:
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


def _legend(chart: Chart, y: float) -> tuple[list[str], float]:
    """The legend rows from `y`, wrapped at the chart width; returns the parts and the height used."""
    parts: list[str] = []
    x, row = 0.0, 0
    for name, colour, dashed in _legend_items(chart):
        width = 22 + text_width(name, SMALL) + 16
        if x + width > WIDTH and x > 0:
            x, row = 0.0, row + 1
        top = y + row * 18
        if dashed:
            parts.append(
                _hline(x, top + 6, x + 16, top + 6, colour, ' stroke-width="2" stroke-dasharray="4 3"')
            )
        else:
            parts.append(_rect(x, top, 14, 12, colour))
        parts.append(_text(x + 20, top + 10, name, size=SMALL, fill=INK))
        x += width
    used = (row + 1) * 18 + 6 if parts else 0
    return parts, used


def _frame(chart: Chart, height: float, body: Sequence[str]) -> str:
    ident = f"chart-{chart.key}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="inherit" class="chart-svg">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>' + "".join(body) + "</svg>"
    )


def _empty(chart: Chart) -> str:
    return _frame(
        chart,
        60,
        [
            f'<rect x="0" y="0" width="{WIDTH}" height="60" fill="#f8fafc" rx="8"/>',
            _text(WIDTH / 2, 35, chart.empty_text, anchor="middle", fill=MUTED),
        ],
    )


# ------------------------------------------------------------------------------------ vertical


def _vertical(chart: Chart) -> str:
    legend, legend_height = _legend(chart, 0)
    plot_top = legend_height + 16
    plot_height = 190.0
    left, right = 44.0, 8.0
    count = max(len(chart.categories), 1)
    slot = (WIDTH - left - right) / count
    longest = max((text_width(c, SMALL) for c in chart.categories), default=0)
    rotate = longest > slot - 4
    label_space = min(longest * 0.71 + 14, 90) if rotate else 18
    notes_space = 16 if chart.notes else 0
    height = plot_top + plot_height + label_space + notes_space + 4
    bottom = plot_top + plot_height

    stacked = chart.kind == Kind.STACKED
    if stacked:
        totals = [sum(series.values[i] or 0 for series in chart.series) for i in range(len(chart.categories))]
        peak = max(totals, default=0)
    else:
        totals = []
        peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    peak = max(peak, *(reference.value for reference in chart.references), 0)
    top = 100.0 if chart.unit == "%" else nice_max(peak)

    def y_of(value: float) -> float:
        return bottom - value / top * plot_height

    body = list(legend)
    for tick in _ticks(top, chart.unit):
        y = y_of(tick)
        body.append(_hline(left, y, WIDTH - right, y, LINE))
        tick_text = f"{tick:g}" + (" %" if chart.unit == "%" else "")
        body.append(_text(left - 6, y + 4, tick_text, size=SMALL, anchor="end", fill=MUTED))

    groups = len(chart.series)
    bar_room = slot * 0.72
    for index, category in enumerate(chart.categories):
        x0 = left + slot * index + (slot - bar_room) / 2
        if stacked:
            base = 0.0
            for series in chart.series:
                part = series.values[index] or 0
                if part:
                    label = f"{category} · {series.name}: {format_value(part, chart.unit)}"
                    body.append(
                        _rect(
                            x0,
                            y_of(base + part),
                            bar_room,
                            y_of(base) - y_of(base + part),
                            _colour(series, index),
                            label,
                        )
                    )
                    if y_of(base) - y_of(base + part) >= 14 and bar_room >= 22:
                        body.append(
                            _text(
                                x0 + bar_room / 2,
                                y_of(base + part / 2) + 4,
                                format_value(part, chart.unit),
                                size=SMALL,
                                anchor="middle",
                                fill="#fff",
                            )
                        )
                base += part
            body.append(
                _text(
                    x0 + bar_room / 2,
                    y_of(totals[index]) - 4,
                    format_value(totals[index], chart.unit),
                    size=SMALL,
                    anchor="middle",
                    weight="600",
                )
            )
        else:
            width = bar_room / groups
            for number, series in enumerate(chart.series):
                value = series.values[index]
                x = x0 + width * number
                if value is not None:
                    label = f"{category} · {series.name}: {format_value(value, chart.unit)}"
                    body.append(
                        _rect(
                            x + 1, y_of(value), width - 2, bottom - y_of(value), _colour(series, index), label
                        )
                    )
                body.append(
                    _text(
                        x + width / 2,
                        y_of(value or 0) - 4,
                        format_value(value, chart.unit),
                        size=SMALL,
                        anchor="middle",
                    )
                )
        centre = left + slot * index + slot / 2
        if rotate:
            body.append(
                _text(
                    centre + 4,
                    bottom + 12,
                    _clip(category, 120, SMALL),
                    size=SMALL,
                    anchor="end",
                    fill=INK,
                    extra=f' transform="rotate(-45 {centre + 4:.1f} {bottom + 12:.1f})"',
                )
            )
        else:
            body.append(_text(centre, bottom + 14, category, size=SMALL, anchor="middle"))
        if chart.notes:
            body.append(
                _text(
                    centre,
                    bottom + label_space + 12,
                    chart.notes[index],
                    size=SMALL - 1,
                    anchor="middle",
                    fill=MUTED,
                )
            )
    body.append(_hline(left, bottom, WIDTH - right, bottom, MUTED))
    body += _vertical_references(chart, left, right, y_of)
    return _frame(chart, height, body)


def _vertical_references(
    chart: Chart, left: float, right: float, y_of: Callable[[float], float]
) -> list[str]:
    parts = []
    for reference in chart.references:
        y = y_of(reference.value)
        parts.append(
            _hline(left, y, WIDTH - right, y, reference.colour, ' stroke-width="1.5" stroke-dasharray="5 4"')
        )
        parts.append(
            _text(
                WIDTH - right - 2,
                y - 4,
                f"{reference.name} {format_value(reference.value, chart.unit)}",
                size=SMALL,
                anchor="end",
                fill=reference.colour,
            )
        )
    return parts


# ------------------------------------------------------------------------------------ line


def _line(chart: Chart) -> str:
    legend, legend_height = _legend(chart, 0)
    plot_top = legend_height + 16
    plot_height = 190.0
    left, right = 44.0, 16.0
    count = max(len(chart.categories), 1)
    step = (WIDTH - left - right) / count
    longest = max((text_width(c, SMALL) for c in chart.categories), default=0)
    rotate = longest > step - 2
    label_space = min(longest * 0.71 + 14, 90) if rotate else 18
    height = plot_top + plot_height + label_space + 4
    bottom = plot_top + plot_height
    peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    top = 100.0 if chart.unit == "%" else nice_max(peak)

    def y_of(value: float) -> float:
        return bottom - value / top * plot_height

    def x_of(index: int) -> float:
        return left + step * index + step / 2

    body = list(legend)
    for tick in _ticks(top, chart.unit):
        y = y_of(tick)
        body.append(_hline(left, y, WIDTH - right, y, LINE))
        tick_text = f"{tick:g}" + (" %" if chart.unit == "%" else "")
        body.append(_text(left - 6, y + 4, tick_text, size=SMALL, anchor="end", fill=MUTED))
    body += _vertical_references(chart, left, right, y_of)
    for number, series in enumerate(chart.series):
        # A gap (None: no deadline fell due that day) breaks the line rather than drawing a zero.
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(series.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(index), y_of(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{series.colour}" stroke-width="2.5"/>'
                )
        for index, value in enumerate(series.values):
            if value is None:
                continue
            x, y = x_of(index), y_of(value)
            label = f"{chart.categories[index]} · {series.name}: {format_value(value, chart.unit)}"
            marker = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{series.colour}">'
                f"<title>{escape(label)}</title></circle>"
                if number % 2 == 0
                else f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{series.colour}">'
                f"<title>{escape(label)}</title></rect>"
            )
            body.append(marker)
            # Values as text: above the marker for the first series, below for the second.
            offset = -8 if number % 2 == 0 else 16
            if offset > 0 and y + offset > bottom - 2:
                offset = -8  # too close to the axis labels: above the marker instead
            elif offset < 0 and y + offset < plot_top:
                offset = 16
            body.append(
                _text(
                    x,
                    y + offset,
                    format_value(value, chart.unit).removesuffix(" %"),
                    size=SMALL - 2,
                    anchor="middle",
                    fill=series.colour,
                )
            )
    for index, category in enumerate(chart.categories):
        x = x_of(index)
        if rotate:
            body.append(
                _text(
                    x + 4,
                    bottom + 12,
                    category,
                    size=SMALL,
                    anchor="end",
                    extra=f' transform="rotate(-45 {x + 4:.1f} {bottom + 12:.1f})"',
                )
            )
        else:
            body.append(_text(x, bottom + 14, category, size=SMALL, anchor="middle"))
    body.append(_hline(left, bottom, WIDTH - right, bottom, MUTED))
    return _frame(chart, height, body)


# ------------------------------------------------------------------------------------ horizontal


def _horizontal(chart: Chart) -> str:
    legend, legend_height = _legend(chart, 0)
    load = chart.kind == Kind.LOAD
    drawn = chart.series[1:] if load else chart.series
    groups = len(drawn)
    bar = 14.0
    row = bar * groups + 10 + (12 if chart.notes else 0)
    label_width = min(max((text_width(c) for c in chart.categories), default=40) + 14, 200)
    value_room = 120.0 if load else 64.0
    left = label_width
    right = value_room
    plot_top = legend_height + 8
    height = plot_top + row * len(chart.categories) + 22
    peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    peak = max(peak, *(reference.value for reference in chart.references), 0)
    top = 100.0 if chart.unit == "%" else nice_max(peak)
    span = WIDTH - left - right

    def x_of(value: float) -> float:
        return left + value / top * span

    body = list(legend)
    bottom = plot_top + row * len(chart.categories)
    for tick in _ticks(top, chart.unit):
        x = x_of(tick)
        body.append(_hline(x, plot_top, x, bottom, LINE))
        tick_text = f"{tick:g}" + (" %" if chart.unit == "%" else "")
        body.append(_text(x, bottom + 14, tick_text, size=SMALL, anchor="middle", fill=MUTED))
    for index, category in enumerate(chart.categories):
        y0 = plot_top + row * index + 5
        body.append(
            _text(left - 8, y0 + bar * groups / 2 + 4, _clip(category, label_width - 10), anchor="end")
        )
        if chart.notes:
            body.append(
                _text(
                    left - 8,
                    y0 + bar * groups + 12,
                    chart.notes[index],
                    size=SMALL - 1,
                    anchor="end",
                    fill=MUTED,
                )
            )
        if load:
            limit = chart.series[0].values[index] or 0
            held = chart.series[1].values[index] or 0
            flagged = bool(chart.flagged and chart.flagged[index])
            body.append(
                _rect(
                    left,
                    y0,
                    x_of(limit) - left,
                    bar,
                    TRACK,
                    f"{category} · {chart.series[0].name}: {format_value(limit, '')}",
                )
            )
            colour = BAD if flagged else chart.series[1].colour
            body.append(
                _rect(
                    left,
                    y0 + 3,
                    x_of(min(held, top)) - left,
                    bar - 6,
                    colour,
                    f"{category} · {chart.series[1].name}: {format_value(held, '')}",
                )
            )
            body.append(
                _text(
                    max(x_of(limit), x_of(min(held, top))) + 6,
                    y0 + bar - 3,
                    f"{format_value(held, '')} / {format_value(limit, '')}",
                    size=SMALL,
                    fill=BAD if flagged else INK,
                    weight="600" if flagged else "",
                )
            )
            continue
        for number, series in enumerate(drawn):
            value = series.values[index]
            y = y0 + bar * number
            if value is not None:
                body.append(
                    _rect(
                        left,
                        y + 1,
                        x_of(value) - left,
                        bar - 2,
                        _colour(series, index),
                        f"{category} · {series.name}: {format_value(value, chart.unit)}",
                    )
                )
            body.append(_text(x_of(value or 0) + 5, y + bar - 3, format_value(value, chart.unit), size=SMALL))
    body.append(_hline(left, plot_top, left, bottom, MUTED))
    for reference in chart.references:
        x = x_of(reference.value)
        body.append(
            _hline(x, plot_top - 4, x, bottom, reference.colour, ' stroke-width="1.5" stroke-dasharray="5 4"')
        )
    return _frame(chart, height, body)


def svg(chart: Chart) -> str:
    """The chart as an inline SVG element (a string of well-formed XML)."""
    if not chart.categories or not chart.has_data:
        return _empty(chart)
    if chart.kind in (Kind.BARS, Kind.STACKED):
        return _vertical(chart)
    if chart.kind == Kind.LINE:
        return _line(chart)
    if chart.kind in (Kind.HBARS, Kind.LOAD):
        return _horizontal(chart)
    raise ValueError(f"unknown chart kind {chart.kind!r}")

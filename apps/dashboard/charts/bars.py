"""Vertical bars (grouped or stacked) and the line chart: categories along the bottom axis."""

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from apps.dashboard.charts import draw
from apps.dashboard.charts.model import LINE, MUTED, SMALL, Chart, Kind, format_value

PLOT_HEIGHT = 190.0
ROTATED_GAP = 16.0  # a 45° label needs this much room along the axis to clear its neighbour
MAX_LEFT_SHARE = 0.35  # at most this share of the width left of the first turned label


@dataclass(frozen=True)
class AxisLabels:
    left: float  # the plot's left margin
    slot: float  # the room along the axis for each category
    turned: bool  # written at 45°, when too wide for their slot
    every: int  # write every n-th label (when even turned ones would overlap)
    below: float  # the room under the axis
    line: float  # the longest line of a turned label; longer ones wrap


def _axis_labels(chart: Chart, width: float, right: float) -> AxisLabels:
    """Where the category labels go, so that none is cut off.

    Labels too wide for their slot are turned 45°; the left margin grows so the first one stays in
    the picture (up to MAX_LEFT_SHARE of the width: a longer label wraps onto more lines), and when
    even turned labels would overlap only every n-th is written.
    """
    count = max(len(chart.categories), 1)
    longest = max((draw.text_width(c, SMALL) for c in chart.categories), default=0)
    left = 44.0
    slot = (width - left - right) / count
    if longest <= slot - 4:
        return AxisLabels(left, slot, False, 1, 18.0, longest)
    line = min(longest, width * MAX_LEFT_SHARE / 0.71)
    lines = max((len(draw.wrap(c, line, SMALL)) for c in chart.categories), default=1)
    line = max(
        (draw.text_width(part, SMALL) for c in chart.categories for part in draw.wrap(c, line, SMALL)),
        default=0,
    )
    reach = line * 0.71 + 8  # how far a turned label reaches left of its slot's centre
    for _round in range(2):
        slot = (width - left - right) / count
        left = max(44.0, reach - slot / 2 + 2)
    slot = (width - left - right) / count
    below = line * 0.71 + 18 + (lines - 1) * SMALL * draw.LINE_HEIGHT * 0.71
    return AxisLabels(left, slot, True, max(1, ceil(ROTATED_GAP / slot)), below, line)


def _axis_label(centre: float, bottom: float, category: str, labels: AxisLabels) -> str:
    if not labels.turned:
        return draw.text(centre, bottom + 14, category, size=SMALL, anchor="middle")
    x, y = centre + 4, bottom + 12
    return draw.lines_text(
        x,
        y,
        draw.wrap(category, labels.line, SMALL),
        size=SMALL,
        anchor="end",
        extra=f' transform="rotate(-45 {x:.1f} {y:.1f})"',
    )


def _grid(chart: Chart, top: float, left: float, right: float, width: float, y_of: Callable[[float], float]):
    parts = []
    for tick in draw.ticks(top, chart.unit):
        y = y_of(tick)
        parts.append(draw.hline(left, y, width - right, y, LINE))
        parts.append(
            draw.text(left - 6, y + 4, draw.tick_text(tick, chart.unit), size=SMALL, anchor="end", fill=MUTED)
        )
    return parts


def references(
    chart: Chart, left: float, right: float, width: float, y_of: Callable[[float], float]
) -> list[str]:
    parts = []
    for reference in chart.references:
        y = y_of(reference.value)
        parts.append(
            draw.hline(
                left, y, width - right, y, reference.colour, ' stroke-width="1.5" stroke-dasharray="5 4"'
            )
        )
        parts.append(
            draw.text(
                width - right - 2,
                y - 4,
                f"{reference.name} {format_value(reference.value, chart.unit)}",
                size=SMALL,
                anchor="end",
                fill=reference.colour,
            )
        )
    return parts


def vertical(chart: Chart, width: float) -> str:
    legend, legend_height = draw.legend(chart, 0, width)
    plot_top = legend_height + 16
    right = 8.0
    labels = _axis_labels(chart, width, right)
    left, slot, label_space = labels.left, labels.slot, labels.below
    notes_space = 16 if chart.notes else 0
    height = plot_top + PLOT_HEIGHT + label_space + notes_space + 4
    bottom = plot_top + PLOT_HEIGHT

    stacked = chart.kind == Kind.STACKED
    if stacked:
        totals = [sum(series.values[i] or 0 for series in chart.series) for i in range(len(chart.categories))]
        peak = max(totals, default=0)
    else:
        totals = []
        peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    peak = max(peak, *(reference.value for reference in chart.references), 0)
    top = 100.0 if chart.unit == "%" else draw.nice_max(peak)

    def y_of(value: float) -> float:
        return bottom - value / top * PLOT_HEIGHT

    body = list(legend) + _grid(chart, top, left, right, width, y_of)
    groups = len(chart.series)
    bar_room = slot * 0.72
    for index, category in enumerate(chart.categories):
        x0 = left + slot * index + (slot - bar_room) / 2
        if stacked:
            body += _stack(chart, index, category, x0, bar_room, totals[index], y_of)
        else:
            bar = bar_room / groups
            for number, series in enumerate(chart.series):
                value = series.values[index]
                x = x0 + bar * number
                if value is not None:
                    label = f"{category} · {series.name}: {format_value(value, chart.unit)}"
                    body.append(
                        draw.rect(
                            x + 1,
                            y_of(value),
                            bar - 2,
                            bottom - y_of(value),
                            draw.colour_of(series, index),
                            label,
                        )
                    )
                body.append(
                    draw.text(
                        x + bar / 2,
                        y_of(value or 0) - 4,
                        format_value(value, chart.unit),
                        size=SMALL,
                        anchor="middle",
                    )
                )
        centre = left + slot * index + slot / 2
        if index % labels.every == 0:
            body.append(_axis_label(centre, bottom, category, labels))
        if chart.notes:
            body.append(
                draw.text(
                    centre,
                    bottom + label_space + 12,
                    chart.notes[index],
                    size=SMALL - 1,
                    anchor="middle",
                    fill=MUTED,
                )
            )
    body.append(draw.hline(left, bottom, width - right, bottom, MUTED))
    body += references(chart, left, right, width, y_of)
    return draw.frame(chart, width, height, body)


def _stack(
    chart: Chart,
    index: int,
    category: str,
    x0: float,
    bar_room: float,
    total: float,
    y_of: Callable[[float], float],
) -> list[str]:
    parts = []
    base = 0.0
    for series in chart.series:
        part = series.values[index] or 0
        if part:
            label = f"{category} · {series.name}: {format_value(part, chart.unit)}"
            height = y_of(base) - y_of(base + part)
            parts.append(
                draw.rect(x0, y_of(base + part), bar_room, height, draw.colour_of(series, index), label)
            )
            if height >= 14 and bar_room >= 22:
                parts.append(
                    draw.text(
                        x0 + bar_room / 2,
                        y_of(base + part / 2) + 4,
                        format_value(part, chart.unit),
                        size=SMALL,
                        anchor="middle",
                        fill="#fff",
                    )
                )
        base += part
    parts.append(
        draw.text(
            x0 + bar_room / 2,
            y_of(total) - 4,
            format_value(total, chart.unit),
            size=SMALL,
            anchor="middle",
            weight="600",
        )
    )
    return parts


def line(chart: Chart, width: float) -> str:
    legend, legend_height = draw.legend(chart, 0, width)
    plot_top = legend_height + 16
    right = 16.0
    labels = _axis_labels(chart, width, right)
    left, step, label_space = labels.left, labels.slot, labels.below
    height = plot_top + PLOT_HEIGHT + label_space + 4
    bottom = plot_top + PLOT_HEIGHT
    peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    top = 100.0 if chart.unit == "%" else draw.nice_max(peak)

    def y_of(value: float) -> float:
        return bottom - value / top * PLOT_HEIGHT

    def x_of(index: int) -> float:
        return left + step * index + step / 2

    body = list(legend) + _grid(chart, top, left, right, width, y_of)
    body += references(chart, left, right, width, y_of)
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
            body += _marker(chart, number, index, value, x_of(index), y_of(value), plot_top, bottom)
    for index, category in enumerate(chart.categories):
        if index % labels.every == 0:
            body.append(_axis_label(x_of(index), bottom, category, labels))
    body.append(draw.hline(left, bottom, width - right, bottom, MUTED))
    return draw.frame(chart, width, height, body)


def _marker(
    chart: Chart, number: int, index: int, value: float, x: float, y: float, plot_top: float, bottom: float
) -> list[str]:
    from html import escape

    series = chart.series[number]
    label = escape(f"{chart.categories[index]} · {series.name}: {format_value(value, chart.unit)}")
    marker = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{series.colour}"><title>{label}</title></circle>'
        if number % 2 == 0
        else f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{series.colour}">'
        f"<title>{label}</title></rect>"
    )
    # Values as text: above the marker for the first series, below for the second.
    offset = -8 if number % 2 == 0 else 16
    if offset > 0 and y + offset > bottom - 2:
        offset = -8  # too close to the axis labels: above the marker instead
    elif offset < 0 and y + offset < plot_top:
        offset = 16
    value_text = draw.text(
        x,
        y + offset,
        format_value(value, chart.unit).removesuffix(" %"),
        size=SMALL - 2,
        anchor="middle",
        fill=series.colour,
    )
    return [marker, value_text]

"""Horizontal bars, grouped or against a limit (agent load): long category names on the left, wrapped."""

from apps.dashboard.charts import draw
from apps.dashboard.charts.model import BAD, FONT, INK, LINE, MUTED, SMALL, TRACK, Chart, Kind, format_value

BAR = 14.0
LABEL_SHARE = 0.42  # at most this share of the width for the category names; longer ones wrap


def horizontal(chart: Chart, width: float) -> str:
    legend, legend_height = draw.legend(chart, 0, width)
    load = chart.kind == Kind.LOAD
    drawn = chart.series[1:] if load else chart.series
    groups = len(drawn)
    longest = max((draw.text_width(c) for c in chart.categories), default=40)
    label_width = min(longest + 14, width * LABEL_SHARE)
    labels = [draw.wrap(category, label_width - 10) for category in chart.categories]
    line = FONT * draw.LINE_HEIGHT
    note = 12 if chart.notes else 0
    rows = [max(BAR * groups, line * len(lines)) + 10 + note for lines in labels]
    left = label_width
    right = 120.0 if load else 64.0
    plot_top = legend_height + 8
    bottom = plot_top + sum(rows)
    height = bottom + 22
    peak = max((value or 0 for series in chart.series for value in series.values), default=0)
    peak = max(peak, *(reference.value for reference in chart.references), 0)
    top = 100.0 if chart.unit == "%" else draw.nice_max(peak)
    span = width - left - right

    def x_of(value: float) -> float:
        return left + value / top * span

    body = list(legend)
    for tick in draw.ticks(top, chart.unit):
        x = x_of(tick)
        body.append(draw.hline(x, plot_top, x, bottom, LINE))
        body.append(
            draw.text(
                x, bottom + 14, draw.tick_text(tick, chart.unit), size=SMALL, anchor="middle", fill=MUTED
            )
        )
    y0 = plot_top
    for index, category in enumerate(chart.categories):
        lines = labels[index]
        block = max(BAR * groups, line * len(lines))
        top_of_bars = y0 + 5 + (block - BAR * groups) / 2
        first_baseline = y0 + 5 + (block - line * len(lines)) / 2 + FONT * 0.9
        body.append(draw.lines_text(left - 8, first_baseline, lines, anchor="end"))
        if chart.notes:
            body.append(
                draw.text(
                    left - 8,
                    y0 + 5 + block + 12,
                    chart.notes[index],
                    size=SMALL - 1,
                    anchor="end",
                    fill=MUTED,
                )
            )
        if load:
            body += _load_bar(chart, index, category, left, top_of_bars, top, x_of)
        else:
            for number, series in enumerate(drawn):
                value = series.values[index]
                y = top_of_bars + BAR * number
                if value is not None:
                    body.append(
                        draw.rect(
                            left,
                            y + 1,
                            x_of(value) - left,
                            BAR - 2,
                            draw.colour_of(series, index),
                            f"{category} · {series.name}: {format_value(value, chart.unit)}",
                        )
                    )
                body.append(
                    draw.text(x_of(value or 0) + 5, y + BAR - 3, format_value(value, chart.unit), size=SMALL)
                )
        y0 += rows[index]
    body.append(draw.hline(left, plot_top, left, bottom, MUTED))
    for reference in chart.references:
        x = x_of(reference.value)
        body.append(
            draw.hline(
                x, plot_top - 4, x, bottom, reference.colour, ' stroke-width="1.5" stroke-dasharray="5 4"'
            )
        )
    return draw.frame(chart, width, height, body)


def _load_bar(chart: Chart, index: int, category: str, left: float, y0: float, top: float, x_of) -> list[str]:
    limit = chart.series[0].values[index] or 0
    held = chart.series[1].values[index] or 0
    flagged = bool(chart.flagged and chart.flagged[index])
    colour = BAD if flagged else chart.series[1].colour
    return [
        draw.rect(
            left,
            y0,
            x_of(limit) - left,
            BAR,
            TRACK,
            f"{category} · {chart.series[0].name}: {format_value(limit, '')}",
        ),
        draw.rect(
            left,
            y0 + 3,
            x_of(min(held, top)) - left,
            BAR - 6,
            colour,
            f"{category} · {chart.series[1].name}: {format_value(held, '')}",
        ),
        draw.text(
            max(x_of(limit), x_of(min(held, top))) + 6,
            y0 + BAR - 3,
            f"{format_value(held, '')} / {format_value(limit, '')}",
            size=SMALL,
            fill=BAD if flagged else INK,
            weight="600" if flagged else "",
        ),
    ]

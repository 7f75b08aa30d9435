"""What a chart holds, and its figures as rows: formatted as drawn, and raw for a spreadsheet. Pure."""

from dataclasses import dataclass, field

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

WIDTH = 640  # the drawing's width for a laptop; NARROW for a phone (both scale to their box)
NARROW = 360
FONT = 12
SMALL = 11

Raw = str | int | float | None


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
    column: str = ""  # its stable snake_case name in the raw export


@dataclass(frozen=True)
class Reference:
    """A value drawn as a dashed line across the chart, e.g. the industry baseline."""

    name: str
    value: float
    colour: str = MUTED
    column: str = ""


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
    # The raw export: stable columns naming each category (e.g. platform code and name) and its
    # values, a stack's total column, and columns exported but not drawn (e.g. met and counted).
    key_columns: tuple[str, ...] = ("category",)
    keys: tuple[tuple[Raw, ...], ...] = ()
    total_column: str = "total"
    extra_columns: tuple[tuple[str, tuple[Raw, ...]], ...] = ()

    @property
    def has_data(self) -> bool:
        return any(value for series in self.series for value in series.values if value)


def format_value(value: float | None, unit: str) -> str:
    """The text of a value, as drawn: counts whole, rates to one decimal."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f} %"
    return f"{round(value):,}".replace(",", " ") if abs(value) >= 10_000 else f"{round(value)}"


def raw_value(value: float | None, unit: str) -> Raw:
    """A value as a spreadsheet reads it: a share as 0.734, a count as 12, nothing as an empty cell."""
    if value is None:
        return None
    if unit == "%":
        return round(value / 100, 4)
    return round(value)


def table(chart: Chart) -> list[list[str]]:
    """The chart's figures as drawn, a header first: category, each series (and a stack's total), the
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


def raw_table(chart: Chart) -> list[list[Raw]]:
    """The chart's figures for a spreadsheet: a header of stable snake_case names, then plain values.

    No units in cells: shares are fractions (0.734), counts whole numbers, a missing value empty.
    """
    stacked = chart.kind == Kind.STACKED
    header: list[Raw] = [
        *chart.key_columns,
        *(series.column or f"series_{number}" for number, series in enumerate(chart.series, start=1)),
    ]
    if stacked:
        header.append(chart.total_column)
    header += [name for name, _values in chart.extra_columns]
    header += [reference.column or f"reference_{n}" for n, reference in enumerate(chart.references, start=1)]
    rows = [header]
    for index, category in enumerate(chart.categories):
        key: tuple[Raw, ...] = chart.keys[index] if chart.keys else (category,)
        row: list[Raw] = [*key, *(raw_value(series.values[index], chart.unit) for series in chart.series)]
        if stacked:
            row.append(raw_value(sum(series.values[index] or 0 for series in chart.series), chart.unit))
        row += [values[index] for _name, values in chart.extra_columns]
        row += [raw_value(reference.value, chart.unit) for reference in chart.references]
        rows.append(row)
    return rows

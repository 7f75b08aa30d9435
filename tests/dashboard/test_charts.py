"""The pure chart module: well-formed, labelled SVG and the same figures as rows."""

import xml.etree.ElementTree as ET

import pytest

from apps.dashboard import charts
from apps.dashboard.charts import Chart, Kind, Reference, Series
from tests.dashboard.conftest import parse_svg

SVG = "{http://www.w3.org/2000/svg}"


def _chart(kind: str, **overrides) -> Chart:
    values = {
        "key": "sample",
        "kind": kind,
        "title": "Open tickets <by> platform & stage",
        "description": "A sample chart",
        "category_label": "Platform",
        "categories": ("微信", "Alipay", "抖音", "Taobao with a very long name indeed"),
        "series": (
            Series("first", (3.0, 0.0, 12.0, None)),
            Series("second", (1.0, 4.0, 0.0, 2.0), colour=charts.WARN),
        ),
    }
    values.update(overrides)
    if kind == Kind.LOAD:
        values["series"] = (Series("limit", (40.0, 40.0, 10.0, 5.0)), Series("held", (12.0, 40.0, 3.0, 7.0)))
        values["flagged"] = (False, True, False, True)
    return Chart(**values)


def _texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", [Kind.BARS, Kind.STACKED, Kind.LINE, Kind.HBARS, Kind.LOAD])
def test_every_kind_is_well_formed_xml_with_a_title_and_a_description(kind):
    chart = (
        _chart(kind, notes=("a", "b", "c", "d"), notes_label="notes") if kind != Kind.LINE else _chart(kind)
    )
    root = parse_svg(charts.svg(chart))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Open tickets <by> platform & stage"
    assert root.find(f"{SVG}desc").text == "A sample chart"
    assert root.get("aria-labelledby") == "chart-sample-title chart-sample-desc"
    texts = _texts(root)
    assert "微信" in texts and "Alipay" in texts


@pytest.mark.parametrize("kind", [Kind.BARS, Kind.HBARS])
def test_every_drawn_value_is_written_as_text_and_in_the_table(kind):
    chart = _chart(kind)
    texts = _texts(parse_svg(charts.svg(chart)))

    rows = charts.table(chart)
    assert rows[0] == ["Platform", "first", "second"]
    for row in rows[1:]:
        for cell in row[1:]:
            assert cell in texts


def test_a_stacked_bar_shows_its_total_and_the_table_its_parts():
    chart = _chart(Kind.STACKED)
    texts = _texts(parse_svg(charts.svg(chart)))

    assert "4" in texts and "2" in texts  # 微信: 3 + 1; Taobao: 2
    assert charts.table(chart)[0] == ["Platform", "first", "second", "Total"]
    assert charts.table(chart)[1] == ["微信", "3", "1", "4"]
    assert charts.table(chart)[4] == ["Taobao with a very long name indeed", "–", "2", "2"]


def test_rates_are_percent_to_one_decimal_and_a_missing_value_is_a_dash():
    chart = _chart(
        Kind.HBARS,
        unit="%",
        series=(Series("rate", (17.0, 100.0, None, 33.3333)),),
        notes=("1/6", "2/2", "0/0", "1/3"),
        notes_label="met/counted",
        references=(Reference("baseline", 17.0), Reference("official", 37.0)),
    )
    root = parse_svg(charts.svg(chart))

    assert charts.table(chart) == [
        ["Platform", "rate", "met/counted", "baseline", "official"],
        ["微信", "17.0 %", "1/6", "17.0 %", "37.0 %"],
        ["Alipay", "100.0 %", "2/2", "17.0 %", "37.0 %"],
        ["抖音", "–", "0/0", "17.0 %", "37.0 %"],
        ["Taobao with a very long name indeed", "33.3 %", "1/3", "17.0 %", "37.0 %"],
    ]
    assert "33.3 %" in _texts(root)
    # The reference lines are dashed and named in the legend.
    assert len([line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]) >= 2
    assert "official 37.0 %" in _texts(root)


def test_a_line_chart_breaks_at_a_day_without_data():
    chart = _chart(
        Kind.LINE,
        unit="%",
        series=(Series("first", (50.0, 60.0, None, 80.0, 90.0)),),
        categories=("11-20", "11-21", "11-22", "11-23", "11-24"),
    )
    root = parse_svg(charts.svg(chart))

    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 2  # 11-20..11-21 and 11-23..11-24
    assert len(list(root.iter(f"{SVG}circle"))) == 4


def test_an_agent_at_the_limit_is_drawn_in_red():
    root = parse_svg(charts.svg(_chart(Kind.LOAD)))

    flagged = [text for text in root.iter(f"{SVG}text") if text.get("fill") == charts.BAD]
    assert [text.text for text in flagged] == ["40 / 40", "7 / 5"]


def test_a_chart_without_data_says_so():
    chart = _chart(Kind.BARS, series=(Series("first", (0.0, 0.0, 0.0, 0.0)),), empty_text="No open tickets.")
    root = parse_svg(charts.svg(chart))

    assert _texts(root) == ["No open tickets."]
    assert root.find(f"{SVG}title") is not None


def test_the_axis_maximum_is_round():
    assert [charts.nice_max(value) for value in (0, 1, 3, 7, 12, 180, 2400)] == [1, 1, 5, 10, 20, 200, 2500]

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


# ------------------------------------------------------------------------------------ labels never cut


def _inside(root: ET.Element) -> None:
    """Every label starts and ends inside the picture (by the same width estimate the module draws by)."""
    width = float(root.get("viewBox").split()[2])
    for element in root.iter(f"{SVG}text"):
        if element.get("transform"):
            continue  # turned labels: checked in the browser (tests/browser/test_dashboard_labels.py)
        lines = [span.text or "" for span in element.iter(f"{SVG}tspan")] or [element.text or ""]
        x = float(element.get("x"))
        for line in lines:
            drawn = charts.text_width(line, float(element.get("font-size")))
            start = {"start": x, "middle": x - drawn / 2, "end": x - drawn}[element.get("text-anchor")]
            assert start >= -0.5 and start + drawn <= width + 0.5, line


LONG = "Account-violation report (both parties agree, the respondent's consent recorded)"
LONG_ZH = "账号违规举报（需双方同意并记录被投诉方的书面确认）"


@pytest.mark.parametrize("width", [charts.WIDTH, charts.NARROW], ids=["laptop", "phone"])
@pytest.mark.parametrize("kind", [Kind.HBARS, Kind.LOAD, Kind.BARS, Kind.STACKED, Kind.LINE])
def test_a_long_name_is_wrapped_whole_never_cut_short(kind, width):
    chart = _chart(kind, categories=("微信", LONG, LONG_ZH, "Taobao"))
    root = parse_svg(charts.svg(chart, width=width))

    written = " ".join(" ".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "…" not in written
    assert all(word in written for word in LONG.split())
    assert all(char in written.replace(" ", "") for char in LONG_ZH)
    _inside(root)


def test_wrap_breaks_between_words_and_between_chinese_characters():
    assert charts.wrap("Official customer service", 100) == ["Official", "customer", "service"]
    assert charts.wrap("官方客服渠道撤回", 50) == ["官方客服", "渠道撤回"]
    assert charts.wrap("Supercalifragilistic", 40) == ["Super", "calif", "ragil", "istic"]
    assert charts.wrap("short", 200) == ["short"]


def test_the_raw_table_has_snake_case_columns_and_plain_values():
    chart = Chart(
        key="rates",
        kind=Kind.HBARS,
        title="t",
        description="d",
        category_label="Platform",
        categories=("微信", "Alipay"),
        series=(Series("Met", (73.4, None), column="met_share"),),
        unit="%",
        references=(Reference("Industry baseline", 17.0, column="industry_baseline"),),
        key_columns=("platform", "platform_name"),
        keys=(("wechat", "微信"), ("alipay", "Alipay")),
        extra_columns=(("met", (11, 0)), ("counted", (15, 0))),
    )

    assert charts.raw_table(chart) == [
        ["platform", "platform_name", "met_share", "met", "counted", "industry_baseline"],
        ["wechat", "微信", 0.734, 11, 15, 0.17],
        ["alipay", "Alipay", None, 0, 0, 0.17],
    ]
    assert charts.table(chart)[1] == ["微信", "73.4 %", "17.0 %"]

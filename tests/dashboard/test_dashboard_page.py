"""The supervisor dashboard: who reaches it, the figures it shows, its CSV exports, its queries."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core import clock
from apps.dashboard import charts
from apps.dashboard.reports import dashboard_charts
from apps.dashboard.selectors import dashboard_figures
from apps.dashboard.services import dashboard_snapshot_refresh
from tests.dashboard.conftest import parse_svg, ticket
from tests.factories import AgentProfileFactory
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db

CHART_KEYS = [
    "open-by-platform",
    "aging",
    "compliance-by-day",
    "success-by-type",
    "compliance-by-platform",
    "compliance-by-type",
    "compliance-by-agent",
    "agent-load",
]


def _get(client, user, path=None, **extra):
    client.force_login(user)
    return client.get(path or reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en", **extra)


def _csv(client, user, key) -> list[list[str]]:
    response = _get(client, user, reverse("dashboard:export", args=[key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _by_first(rows):
    return {row[0]: row[1:] for row in rows[1:]}


# ------------------------------------------------------------------------------------ access


def test_a_supervisor_sees_the_dashboard(client, supervisor, seeded):
    response = _get(client, supervisor)

    assert response.status_code == 200
    assert "Supervisor dashboard" in response.content.decode()


def test_an_agent_without_the_supervise_permission_is_refused(client, agent, seeded):
    assert _get(client, agent).status_code == 403
    assert _get(client, agent, reverse("dashboard:export", args=["aging"])).status_code == 403


def test_a_requester_is_refused(client, requester, seeded):
    assert _get(client, requester).status_code == 403
    assert _get(client, requester, reverse("dashboard:export", args=["aging"])).status_code == 403


def test_a_stranger_is_sent_to_the_staff_sign_in(client, seeded):
    for path in (reverse("dashboard:home"), reverse("dashboard:export", args=["aging"])):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_chart_has_no_export(client, supervisor, seeded):
    assert _get(client, supervisor, "/dashboard/pie.csv").status_code == 404


# ------------------------------------------------------------------------------------ figures


def test_open_tickets_by_platform_and_stage_with_breaches_and_near_breaches(client, supervisor, seeded):
    rows = _csv(client, supervisor, "open-by-platform")

    assert rows[0] == [
        "platform",
        "platform_name",
        "preliminary_review",
        "evidence_check",
        "final_review",
        "handled",
        "open_tickets",
        "past_deadline",
        "due_within_hour",
    ]
    by_platform = _by_first(rows)
    assert by_platform["wechat"] == ["WeChat", "1", "1", "0", "0", "2", "1", "1"]  # T1 due soon, T2 breached
    assert by_platform["alipay"] == ["Alipay", "1", "0", "1", "0", "2", "1", "0"]  # T3 breached; T4 paused
    assert by_platform["douyin"] == ["Douyin", "0", "0", "0", "0", "0", "0", "0"]


def test_the_key_figures_and_the_lists_of_breaches_link_to_the_case_pages(client, supervisor, seeded):
    html = _get(client, supervisor).content.decode()

    t1, t2, t3 = (seeded.tickets[n].reference for n in (1, 2, 3))
    breached = html[html.index('id="h-breached"') : html.index('id="h-soon"')]
    soon = html[html.index('id="h-soon"') :]
    assert (
        reverse("workspace:case", args=[t2]) in breached and reverse("workspace:case", args=[t3]) in breached
    )
    assert t1 not in breached
    assert reverse("workspace:case", args=[t1]) in soon
    # T2's first contact is 360 min overdue and listed before T3's decision (60 min).
    assert breached.index(t2) < breached.index(t3)
    # Durations read as hours and minutes; the exact minutes are on hover.
    assert re.search(r'title="Due 2026-11-24 04:00 \(360 minutes\)">6 h', breached)
    assert re.search(r'title="Due 2026-11-24 10:30 \(30 minutes\)">30 min<', soon)
    assert re.search(r"Open tickets</span><strong class=\"kpi-value\">4<", html)
    assert "71.4 %" in html  # first contact: 5 of 7
    assert "40.0 %" in html  # decision: 2 of 5
    assert "33.3 %" in html  # success: 1 of 3 decided


def test_sla_compliance_by_day_platform_type_and_agent(client, supervisor, seeded):
    rows = _csv(client, supervisor, "compliance-by-day")
    assert rows[0] == [
        "day",
        "first_contact_met_share",
        "decision_met_share",
        "first_contact_met",
        "first_contact_counted",
        "decision_met",
        "decision_counted",
    ]
    by_day = _by_first(rows)
    assert len(by_day) == 14
    assert next(iter(by_day)) == "2026-11-11" and list(by_day)[-1] == "2026-11-24"
    # contact: T3, T5 met, T6 missed; decision: T5 met, T6 missed
    assert by_day["2026-11-23"] == ["0.6667", "0.5", "2", "3", "1", "2"]
    assert by_day["2026-11-24"] == ["0.5", "0.0", "1", "2", "0", "1"]  # contact: T4 met, T2 missed; T3
    assert by_day["2026-11-20"] == ["", "0.0", "0", "0", "0", "1"]  # T8 expired undecided
    assert by_day["2026-11-21"] == ["1.0", "1.0", "1", "1", "1", "1"]  # T7
    assert by_day["2026-11-12"] == ["", "", "0", "0", "0", "0"]

    by_platform = _by_first(_csv(client, supervisor, "compliance-by-platform"))
    assert by_platform["wechat"] == ["WeChat", "0.75", "0.6667", "3", "4", "2", "3"]
    assert by_platform["alipay"] == ["Alipay", "0.6667", "0.0", "2", "3", "0", "2"]
    assert by_platform["taobao"] == ["Taobao", "", "", "0", "0", "0", "0"]

    by_type = _by_first(_csv(client, supervisor, "compliance-by-type"))
    assert by_type["infringement"][1:3] == ["0.6667", "0.5"]  # T2 T5 T8 · T5 T8
    assert by_type["account_violation"][1:3] == ["0.75", "0.3333"]  # T3 T4 T6 T7 · T3 T6 T7

    by_agent = _by_first(_csv(client, supervisor, "compliance-by-agent"))
    assert by_agent == {
        "agent-a": ["Agent A", "1.0", "0.6667", "3", "3", "2", "3"],
        "agent-b": ["Agent B", "0.6667", "0.0", "2", "3", "0", "2"],
        "": ["unassigned", "0.0", "", "0", "1", "0", "0"],
    }


def test_success_rate_by_type_against_the_industry_baseline_and_official_customer_service(
    client, supervisor, seeded
):
    rows = _csv(client, supervisor, "success-by-type")

    assert rows[0] == [
        "complaint_type",
        "complaint_type_name",
        "approved_share",
        "approved",
        "decided",
        "industry_baseline",
        "official_customer_service",
    ]
    by_type = _by_first(rows)
    assert by_type["all"] == ["All types", "0.3333", "1", "3", "0.17", "0.37"]
    assert by_type["infringement"] == ["Infringement", "1.0", "1", "1", "0.17", "0.37"]
    assert by_type["account_violation"] == ["Account-violation report", "0.0", "0", "2", "0.17", "0.37"]
    assert by_type["fraud"][1:] == ["", "0", "0", "0.17", "0.37"]


def test_the_baseline_comes_from_the_policy(client, supervisor, seeded, policy):
    from decimal import Decimal

    policy.baseline_withdrawal_success_rate = Decimal("0.2500")
    policy.save()

    assert _by_first(_csv(client, supervisor, "success-by-type"))["all"][4] == "0.25"


def test_the_aging_histogram_follows_the_stage_boundaries(client, supervisor, seeded):
    rows = _csv(client, supervisor, "aging")

    assert rows[0] == ["hours_from", "hours_to", "open_tickets", "stage"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        *(
            (str(start), str(end))
            for start, end in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 12), (12, 18), (18, 24)]
        ),
        *((str(start), str(end)) for start, end in [(24, 36), (36, 48), (48, 60), (60, 72), (72, 96)]),
        ("96", "120"),
        ("120", ""),
    ]
    counts = {row[0]: row[2] for row in rows[1:]}
    assert counts["1"] == "1"  # T4, 1–2 h
    assert counts["2"] == "1"  # T1, 2–3 h
    assert counts["6"] == "1"  # T2, 6–12 h
    assert counts["24"] == "1"  # T3, 24–36 h
    assert sum(int(count) for count in counts.values()) == 4
    assert rows[1][3] == "preliminary_review" and rows[-1][3] == "handled"


def test_agent_load_against_each_agents_limit(client, supervisor, seeded):
    rows = _csv(client, supervisor, "agent-load")

    assert rows[0] == ["agent", "agent_name", "max_open_tickets", "open_tickets", "at_limit"]
    assert _by_first(rows) == {"agent-a": ["Agent A", "2", "2", "1"], "agent-b": ["Agent B", "5", "1", "0"]}
    html = _get(client, supervisor).content.decode()
    assert "1 unassigned" in html


# ------------------------------------------------------------------------------------ charts and exports


def _svgs(html: str) -> list[ET.Element]:
    return [parse_svg(match) for match in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)]


def test_every_chart_is_well_formed_svg_with_a_title(client, supervisor, seeded):
    html = _get(client, supervisor).content.decode()

    svgs = _svgs(html)
    titles = [svg.find("{http://www.w3.org/2000/svg}title").text for svg in svgs]
    assert len(svgs) == 2 * len(CHART_KEYS)  # each drawn for a laptop's and for a phone's width
    assert len({svg.get("id") for svg in svgs}) == len(svgs)
    assert "Open tickets by platform and stage" in titles and "Agent load" in titles
    for key in CHART_KEYS:
        assert reverse("dashboard:export", args=[key]) in html


@pytest.mark.parametrize("key", CHART_KEYS)
def test_each_csv_export_holds_the_raw_figures_its_chart_draws(client, supervisor, seeded, key):
    from django.utils import translation

    exported = _csv(client, supervisor, key)
    with translation.override("en"):
        chart = {chart.key: chart for chart in dashboard_charts(dashboard_figures(now=clock.now()))}[key]
        drawn = parse_svg(charts.svg(chart))
    assert exported == [
        ["" if cell is None else str(cell) for cell in row] for row in charts.raw_table(chart)
    ]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", column) for column in exported[0])
    texts = " ".join("".join(text.itertext()) for text in drawn.iter("{http://www.w3.org/2000/svg}text"))
    # Every drawn value is in the export, unformatted: 66.7 % drawn is 0.6667 exported.
    for series in chart.series:
        for value in series.values:
            if value:
                shown = charts.format_value(value, chart.unit)
                assert (shown.removesuffix(" %") if chart.kind == charts.Kind.LINE else shown) in texts
                assert str(charts.raw_value(value, chart.unit)) in {cell for row in exported for cell in row}
    for row in exported[1:]:
        assert not any(cell.endswith("%") or (" " in cell and cell[0].isdigit()) for cell in row)


def test_the_page_is_in_chinese_by_default(client, supervisor, seeded):
    client.force_login(supervisor)
    html = client.get(reverse("dashboard:home")).content.decode()

    assert '<html lang="zh-hans">' in html
    assert "微信" in html and "初审阶段" in html


# ------------------------------------------------------------------------------------ snapshot


def test_the_minute_snapshot_shows_the_same_figures_and_says_how_old_they_are(
    client, supervisor, seeded, frozen
):
    live = {key: _csv(client, supervisor, key) for key in CHART_KEYS}
    dashboard_snapshot_refresh(now=clock.now())
    frozen.at += timedelta(seconds=40)

    assert {key: _csv(client, supervisor, key) for key in CHART_KEYS} == live
    html = _get(client, supervisor).content.decode()
    assert "Figures as of 2026-11-24 10:00 (Asia/Shanghai)" in html


def test_a_snapshot_older_than_five_minutes_is_not_used(client, supervisor, seeded, frozen):
    dashboard_snapshot_refresh(now=clock.now())
    ticket(
        "11",
        platform_code="douyin",
        type_code="infringement",
        filed=clock.now() - timedelta(hours=1),
        stage="preliminary_review",
        decision_due_at=clock.now() + timedelta(hours=40),
    )

    frozen.at += timedelta(minutes=4)
    assert _by_first(_csv(client, supervisor, "open-by-platform"))["douyin"][5] == "0"
    frozen.at += timedelta(minutes=2)
    assert _by_first(_csv(client, supervisor, "open-by-platform"))["douyin"][5] == "1"
    assert "Computed for this page" in _get(client, supervisor).content.decode()


def test_the_refresh_task_writes_the_snapshot(seeded, frozen):
    from apps.dashboard.models import DashboardSnapshot
    from apps.dashboard.tasks import dashboard_snapshot_refresh as task

    assert task() >= 0  # the time it took, in ms
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.computed_at == shanghai("2026-11-24 10:00")
    assert {row[0] for row in snapshot.figures["open"]} == {"platform_stage", "agent", "age"}


# ------------------------------------------------------------------------------------ queries


def _bulk(count: int) -> None:
    """`count` tickets spread over platforms, stages, statuses and agents."""
    from apps.tickets.models import TicketStatus

    now = clock.now()
    agents = [AgentProfileFactory().user for _ in range(3)]
    statuses = [TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.APPROVED, TicketStatus.REFUSED]
    platforms = ["wechat", "alipay", "douyin", "taobao"]
    stages = ["preliminary_review", "evidence_check", "final_review", "handled"]
    for n in range(count):
        status = statuses[n % 4]
        decided = status in (TicketStatus.APPROVED, TicketStatus.REFUSED)
        filed = now - timedelta(hours=1 + n * 3)
        ticket(
            f"B{n}",
            platform_code=platforms[n % 4],
            type_code="infringement",
            filed=filed,
            stage=stages[(n // 4) % 4],
            status=status,
            assignee=None if status == TicketStatus.RECEIVED else agents[n % 3],
            first_contact_at=filed + timedelta(hours=n % 6),
            first_contact_breached_at=filed + timedelta(hours=4) if n % 6 > 4 else None,
            decision_due_at=filed + timedelta(hours=48),
            decided_at=filed + timedelta(hours=30) if decided else None,
        )


@pytest.mark.parametrize("snapshot", [False, True], ids=["live", "snapshot"])
@pytest.mark.parametrize("count", [10, 100])
def test_the_page_runs_a_fixed_number_of_queries(
    client, supervisor, frozen, django_assert_num_queries, count, snapshot
):
    _bulk(count)
    if snapshot:
        dashboard_snapshot_refresh(now=clock.now())
    client.force_login(supervisor)
    client.get(reverse("dashboard:home"))  # the session and permission caches, as on any later visit

    with django_assert_num_queries(13 if snapshot else 16):
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200

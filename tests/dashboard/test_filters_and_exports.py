"""The dashboard's filter (period, team, platform) on every figure and export, and the ticket export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from apps.core import clock
from apps.dashboard.filters import DashboardFilter
from apps.dashboard.models import DashboardExport
from apps.dashboard.selectors import dashboard_figures, dashboard_policy
from apps.policy.models import Platform
from apps.tickets.models import WithdrawalTicket
from tests.dashboard.conftest import ticket
from tests.dashboard.test_dashboard_page import CHART_KEYS, _bulk
from tests.factories import TeamFactory
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db


def _get(client, user, path, language="en", **params):
    client.force_login(user)
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE=language)


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel then reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def _by_first(rows):
    return {row[0]: row[1:] for row in rows[1:]}


@pytest.fixture
def teams(seeded):
    """T1 and T3 in team North, T2 in team South; the others in none."""
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    WithdrawalTicket.objects.filter(pk__in=[seeded.tickets[1].pk, seeded.tickets[3].pk]).update(team=north)
    WithdrawalTicket.objects.filter(pk=seeded.tickets[2].pk).update(team=south)
    seeded.agent_a.agent_profile.team = north
    seeded.agent_a.agent_profile.save()
    return north, south


# ------------------------------------------------------------------------------------ the figures


def test_a_platform_narrows_every_chart_and_export(client, supervisor, seeded):
    home = _get(client, supervisor, reverse("dashboard:home"), platform="alipay")
    html = home.content.decode()

    assert home.status_code == 200
    # Only Alipay's open tickets: T3 (breached) and T4.
    assert re.search(r"Open tickets</span><strong class=\"kpi-value\">2<", html)
    open_rows = _rows(
        _get(client, supervisor, reverse("dashboard:export", args=["open-by-platform"]), platform="alipay")
    )
    assert [row[0] for row in open_rows[1:]] == ["alipay"]
    by_type = _by_first(
        _rows(
            _get(client, supervisor, reverse("dashboard:export", args=["success-by-type"]), platform="alipay")
        )
    )
    assert by_type["all"][1:4] == ["0.0", "0", "1"]  # T6 refused; WeChat's T5 and T7 left out
    # Every export link keeps the filter, so the file holds what the page shows.
    for key in CHART_KEYS:
        assert f"/dashboard/{key}.csv?platform=alipay" in html
    assert "/dashboard/tickets.csv?platform=alipay" in html


def test_a_team_narrows_the_open_tickets_the_rates_and_the_agent_load(client, supervisor, teams, seeded):
    north, _south = teams
    html = _get(client, supervisor, reverse("dashboard:home"), team=north.pk).content.decode()

    assert re.search(r"Open tickets</span><strong class=\"kpi-value\">2<", html)  # T1 and T3
    load = _rows(_get(client, supervisor, reverse("dashboard:export", args=["agent-load"]), team=north.pk))
    assert _by_first(load) == {"agent-a": ["Agent A", "2", "2", "1"]}  # Agent B is in another team
    assert f'<option value="{north.pk}" selected>North</option>' in html


def test_a_period_counts_the_days_chosen_in_shanghai(client, supervisor, seeded):
    by_day = _rows(
        _get(
            client,
            supervisor,
            reverse("dashboard:export", args=["compliance-by-day"]),
            **{"from": "2026-11-20", "to": "2026-11-23"},
        )
    )

    assert [row[0] for row in by_day[1:]] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    # Open tickets received on those days only: T3 (received 11-23 04:10) is one; T1, T2, T4 were
    # received on 11-24.
    open_rows = _rows(
        _get(
            client,
            supervisor,
            reverse("dashboard:export", args=["open-by-platform"]),
            **{"from": "2026-11-20", "to": "2026-11-23"},
        )
    )
    assert sum(int(row[6]) for row in open_rows[1:]) == 1


def test_the_period_edge_is_midnight_in_shanghai(client, supervisor, db, frozen):
    for code, received in (("E1", "2026-11-23 23:59"), ("E2", "2026-11-24 00:00")):
        at = shanghai(received)
        ticket(
            code,
            platform_code="wechat",
            type_code="infringement",
            filed=at - timedelta(hours=1),
            received_at=at,
            submitted_at=at,
            decision_due_at=at + timedelta(hours=40),
        )

    rows = _rows(_get(client, supervisor, reverse("dashboard:tickets_export"), **{"from": "2026-11-24"}))

    assert [row[0] for row in rows[1:]] == [
        WithdrawalTicket.objects.get(complaint__number="NE2wechat").reference
    ]
    assert rows[1][8] == "2026-11-24T00:00:00+08:00"


@pytest.mark.parametrize("count", [10, 60])
def test_filtered_figures_take_a_fixed_number_of_queries(db, frozen, django_assert_num_queries, count):
    _bulk(count)
    policy = dashboard_policy()
    chosen = DashboardFilter(
        date_from=clock.now().date() - timedelta(days=30),
        date_to=clock.now().date(),
        platform_id=Platform.objects.get(code="wechat").pk,
        platform_code="wechat",
        team_id=TeamFactory().pk,
    )

    with django_assert_num_queries(3):  # open tickets, urgent deadlines, rates; no snapshot read
        figures = dashboard_figures(now=clock.now(), chosen=chosen, policy=policy)
    assert figures.live and figures.chosen == chosen


# ------------------------------------------------------------------------------------ bad filters


@pytest.mark.parametrize(
    ("params", "english", "chinese"),
    [
        (
            {"from": "2026-11-20", "to": "2026-11-10"},
            "The start date (2026-11-20) is after the end date (2026-11-10).",
            "开始日期（2026-11-20）晚于结束日期（2026-11-10）。",
        ),
        (
            {"platform": "myspace"},
            "There is no platform “myspace”: choose one from the list.",
            "没有“myspace”这个平台，请从列表中选择。",
        ),
        (
            {"team": "999999"},
            "There is no team “999999”: choose one from the list.",
            "没有“999999”这个团队，请从列表中选择。",
        ),
        (
            {"from": "20/11/2026"},
            "Enter the date as year-month-day, e.g. 2026-11-24.",
            "请按“年-月-日”输入日期，例如 2026-11-24。",
        ),
        (
            {"from": "2024-01-01", "to": "2026-01-01"},
            "Choose a period of at most 366 days.",
            "请选择不超过 366 天的时间段。",
        ),
    ],
    ids=["from-after-to", "unknown-platform", "unknown-team", "not-a-date", "too-long"],
)
def test_a_bad_filter_says_what_is_wrong_in_the_viewers_language(
    client, supervisor, seeded, params, english, chinese
):
    page = _get(client, supervisor, reverse("dashboard:home"), **params)
    assert page.status_code == 400
    html = page.content.decode()
    assert english in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert 'aria-invalid="true"' in html
    assert "<svg" not in html  # no figures for a filter that could not be applied

    chinese_page = _get(client, supervisor, reverse("dashboard:home"), language="zh-hans", **params)
    assert chinese in chinese_page.content.decode()

    for path in (reverse("dashboard:export", args=["aging"]), reverse("dashboard:tickets_export")):
        refused = _get(client, supervisor, path, **params)
        assert refused.status_code == 400
        assert refused.content.decode() == english
    assert not DashboardExport.objects.exists()


# ------------------------------------------------------------------------------------ exports


def test_a_chart_export_is_raw_figures_for_a_spreadsheet_and_is_recorded(client, supervisor, seeded):
    response = _get(
        client, supervisor, reverse("dashboard:export", args=["compliance-by-platform"]), platform="wechat"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _rows(response)
    assert rows == [
        [
            "platform",
            "platform_name",
            "first_contact_met_share",
            "decision_met_share",
            "first_contact_met",
            "first_contact_counted",
            "decision_met",
            "decision_counted",
        ],
        ["wechat", "WeChat", "0.75", "0.6667", "3", "4", "2", "3"],
    ]
    record = DashboardExport.objects.get()
    assert (record.exported_by, record.what, record.filters) == (
        supervisor,
        "compliance-by-platform",
        {"platform": "wechat"},
    )
    assert record.exported_at == clock.now()


def test_the_chart_export_names_chinese_rows_in_utf8(client, supervisor, seeded):
    rows = _rows(
        _get(client, supervisor, reverse("dashboard:export", args=["open-by-platform"]), language="zh-hans")
    )

    assert rows[0][0] == "platform"  # the header does not change with the language
    assert _by_first(rows)["wechat"][0] == "微信"


TICKET_HEADER = [
    "reference",
    "platform",
    "complaint_type",
    "status",
    "stage",
    "team",
    "assignee",
    "created_at",
    "received_at",
    "first_contact_due_at",
    "first_contact_at",
    "decision_due_at",
    "decided_at",
    "first_contact_breached",
    "decision_breached",
]


def test_the_ticket_export_streams_one_row_per_ticket_with_iso_times_and_flags(
    client, supervisor, teams, seeded
):
    north, _south = teams
    response = _get(client, supervisor, reverse("dashboard:tickets_export"), team=north.pk)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="chehui-tickets-20261124-1000.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == TICKET_HEADER
    by_reference = {row[0]: dict(zip(TICKET_HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {seeded.tickets[1].reference, seeded.tickets[3].reference}
    t3 = by_reference[seeded.tickets[3].reference]
    assert t3 | {"created_at": "", "received_at": ""} == {
        "reference": seeded.tickets[3].reference,
        "platform": "alipay",
        "complaint_type": "account_violation",
        "status": "assigned",
        "stage": "final_review",
        "team": "North",
        "assignee": "agent-a",
        "created_at": "",
        "received_at": "",
        "first_contact_due_at": "2026-11-23T08:00:00+08:00",
        "first_contact_at": "2026-11-23T07:00:00+08:00",
        "decision_due_at": "2026-11-24T09:00:00+08:00",
        "decided_at": "",
        "first_contact_breached": "0",
        "decision_breached": "1",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", t3["received_at"])
    record = DashboardExport.objects.get()
    assert (record.what, record.filters) == ("tickets", {"team": str(north.pk)})


@pytest.mark.parametrize("count", [10, 60])
def test_the_ticket_export_takes_a_fixed_number_of_queries(
    client, supervisor, frozen, django_assert_num_queries, count
):
    _bulk(count)
    client.force_login(supervisor)
    client.get(reverse("dashboard:tickets_export"))  # the session and permission caches

    # session, user, permissions (two), the policy and teams (seven), the export record, and the
    # tickets in one statement, whatever their number
    with django_assert_num_queries(13):
        response = client.get(reverse("dashboard:tickets_export"))
        rows = _rows(response)
    assert len(rows) == count + 1


def test_the_ticket_export_reads_tickets_in_chunks(monkeypatch, client, supervisor, seeded):
    """The streamed rows come from an iterator over the queryset, never from a list of every ticket."""
    from django.db.models.query import QuerySet

    sizes = []
    iterator = QuerySet.iterator

    def spy(self, chunk_size=None):
        sizes.append(chunk_size)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    response = _get(client, supervisor, reverse("dashboard:tickets_export"))
    assert sizes == []  # nothing is read before the response is streamed
    assert len(_rows(response)) == 11  # the ten tickets (none a draft), and the header
    assert sizes == [2000]


def test_only_supervisors_export_tickets(client, agent, requester, seeded):
    path = reverse("dashboard:tickets_export")
    assert _get(client, agent, path).status_code == 403
    assert _get(client, requester, path).status_code == 403
    client.logout()
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not DashboardExport.objects.exists()


def test_no_dashboard_label_uses_the_specifications_words(client, supervisor, seeded):
    for language in ("en", "zh-hans"):
        html = _get(client, supervisor, reverse("dashboard:home"), language=language).content.decode()
        for word in ("article", "Article", "文章", "decay", "衰减", "SLA"):
            assert word not in html, (language, word)
    html = _get(client, supervisor, reverse("dashboard:home"), language="zh-hans").content.decode()
    assert "行业基准" in html

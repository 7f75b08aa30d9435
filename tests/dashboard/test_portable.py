"""The dashboard without PostgreSQL: apps.dashboard.portable gives the same rows as the SQL.

The tests run on PostgreSQL, so each compares the two paths on the same data: the SQL of
apps.dashboard.selectors and the portable functions called directly (or the whole page with the
portable path switched on). test_portable_embedded runs the embedded default for real on SQLite.
"""

import csv
import io
import random
import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from apps.core import clock
from apps.dashboard import portable, selectors
from apps.dashboard.filters import DashboardFilter
from apps.policy.models import ComplaintType, Platform, Stage
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.dashboard.conftest import ticket
from tests.factories import AgentProfileFactory, ComplaintFactory, TicketFactory
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
MICROSECOND = timedelta(microseconds=1)
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


def _same_order(rows):
    """Rows in one order (neither path promises one); repr keeps types apart (1 ≠ True ≠ 1.0)."""
    return sorted((tuple(row) for row in rows), key=repr)


def _both(name: str, **kwargs):
    """(the SQL's rows, the portable rows) of one selector, in one order."""
    return (
        _same_order(getattr(selectors, name)(**kwargs)),
        _same_order(getattr(portable, name)(**kwargs)),
    )


def _by_key(rows, dimension: str, column: int) -> dict:
    return {row[column]: row[5:] for row in rows if row[0] == dimension}


# ------------------------------------------------------------------------------------ the known dataset


def test_the_known_dataset_gives_the_same_rows_both_ways(seeded):
    now = clock.now()
    policy = selectors.dashboard_policy()

    sql, ported = _both("open_rows", now=now, age_edges=policy.age_edges)
    assert ported == sql
    assert sum(row[5] for row in ported if row[0] == "platform_stage") == 4
    sql, ported = _both("urgent_rows", now=now)
    assert ported == sql
    assert {(row[1], row[2], row[3]) for row in ported} == {
        (seeded.tickets[2].reference, "first_contact", True),
        (seeded.tickets[3].reference, "decision", True),
        (seeded.tickets[1].reference, "first_contact", False),
    }
    sql, ported = _both("history_rows", now=now, tz=policy.tz)
    assert ported == sql
    assert ["first_contact", "day", shanghai("2026-11-23 00:00").date(), 3, 2] in [
        list(row) for row in ported
    ]


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _csvs(client, user) -> dict[str, list[list[str]]]:
    client.force_login(user)
    tables = {}
    for key in CHART_KEYS:
        response = client.get(reverse("dashboard:export", args=[key]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        tables[key] = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    return tables


def test_every_csv_export_is_the_same_on_the_portable_path(client, supervisor, seeded, monkeypatch):
    on_sql = _csvs(client, supervisor)
    page_on_sql = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    monkeypatch.setattr("apps.dashboard.selectors.common.postgresql", lambda: False)
    on_portable = _csvs(client, supervisor)
    page_on_portable = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert on_portable == on_sql
    assert on_portable["aging"][3][:3] == ["2", "3", "1"]  # T1, 2–3 h
    assert _without_csrf(page_on_portable) == _without_csrf(page_on_sql)


def test_the_snapshot_written_on_the_portable_path_is_the_one_the_sql_writes(seeded, monkeypatch):
    from apps.dashboard.services import dashboard_snapshot_refresh

    on_sql = dashboard_snapshot_refresh(now=clock.now()).figures
    monkeypatch.setattr("apps.dashboard.selectors.common.postgresql", lambda: False)
    on_portable = dashboard_snapshot_refresh(now=clock.now()).figures

    assert on_portable.keys() == on_sql.keys()
    for key in ("as_of", "tz", "edges"):
        assert on_portable[key] == on_sql[key]
    for key in ("open", "urgent", "history"):
        assert _same_order(on_portable[key]) == _same_order(on_sql[key]), key


# ------------------------------------------------------------------------------------ the edges


def test_age_buckets_at_their_edges_without_a_filing_time_and_from_the_future(db, frozen):
    now = clock.now()
    on_edge = ticket("A1", platform_code="wechat", type_code="infringement", filed=now - 2 * HOUR)
    ticket("A2", platform_code="wechat", type_code="infringement", filed=now - 2 * HOUR + MICROSECOND)
    ticket("A3", platform_code="alipay", type_code="infringement", filed=now + HOUR)
    ticket("A4", platform_code="alipay", type_code="infringement", filed=now - 200 * HOUR)
    ticket("A5", platform_code="douyin", type_code="infringement", filed=now - 120 * HOUR)
    unfiled = ticket("A6", platform_code="douyin", type_code="infringement", filed=now - 30 * HOUR)
    WithdrawalTicket.objects.filter(pk=unfiled.pk).update(complaint_filed_at=None)
    edges = selectors.dashboard_policy().age_edges

    sql, ported = _both("open_rows", now=now, age_edges=edges)

    assert ported == sql
    by_bucket = _by_key(ported, "age", 4)
    assert edges[2] == 2 and edges[-1] == 120
    assert by_bucket[3][0] == 1  # A1: exactly 2 h old, in "2–3 h"
    assert by_bucket[2][0] == 1  # A2: a microsecond younger, in "1–2 h"
    assert by_bucket[1][0] == 2  # A3 filed in the future, A6 with no filing time: the first bucket
    assert by_bucket[len(edges)][0] == 2  # A4 and A5 (exactly 120 h): "120 h +"
    assert on_edge.stage is None and (on_edge.platform_id, None) in {
        (row[1], row[2]) for row in ported if row[0] == "platform_stage"
    }


def test_due_soon_and_breached_at_the_minute_the_hour_starts_and_ends(db, frozen):
    now = clock.now()
    agent = AgentProfileFactory().user

    def open_ticket(code: str, **fields):
        return ticket(code, platform_code="wechat", type_code="infringement", filed=now - HOUR, **fields)

    open_ticket("S1", first_contact_due_at=now)  # due now: neither soon nor (yet) breached
    open_ticket("S2", first_contact_due_at=now + HOUR)  # the last moment of "within the hour"
    open_ticket("S3", first_contact_due_at=now + HOUR + MICROSECOND)
    open_ticket(  # breached and due soon: counted as breached only
        "S4",
        status=TicketStatus.ASSIGNED,
        assignee=agent,
        first_contact_due_at=now + 10 * timedelta(minutes=1),
        decision_due_at=now - HOUR,
        decision_breached_at=now - HOUR,
    )
    open_ticket(  # waiting: its decision deadline is paused, its first contact still owed
        "S5",
        status=TicketStatus.WAITING_ON_REQUESTER,
        assignee=agent,
        first_contact_due_at=now + 20 * timedelta(minutes=1),
        decision_due_at=now + 30 * timedelta(minutes=1),
    )
    open_ticket(  # contacted: only its decision is owed, due in 50 minutes
        "S6",
        status=TicketStatus.ASSIGNED,
        assignee=agent,
        first_contact_due_at=now - 3 * HOUR,
        first_contact_at=now - 2 * HOUR,
        decision_due_at=now + 50 * timedelta(minutes=1),
    )

    sql, ported = _both("open_rows", now=now, age_edges=selectors.dashboard_policy().age_edges)
    assert ported == sql
    assert _by_key(ported, "agent", 3) == {agent.pk: (3, 1, 2), None: (3, 0, 1)}
    sql, ported = _both("urgent_rows", now=now)
    assert ported == sql
    codes = dict(WithdrawalTicket.objects.values_list("reference", "complaint__number"))
    assert sorted((codes[row[1]][1:3], row[2], row[3]) for row in ported) == [
        ("S2", "first_contact", False),
        ("S4", "decision", True),
        ("S4", "first_contact", False),  # listed as due soon, counted above as breached only
        ("S5", "first_contact", False),
        ("S6", "decision", False),
    ]


def test_each_urgent_list_keeps_the_longest_overdue_first_and_ties_by_ticket(db, frozen):
    now = clock.now()
    for n in range(5):
        ticket(
            f"U{n}",
            platform_code="taobao",
            type_code="infringement",
            filed=now - 10 * HOUR,
            first_contact_due_at=now - HOUR * (1 if n < 3 else n),
            first_contact_breached_at=now - HOUR,
        )

    sql, ported = _both("urgent_rows", now=now, limit=3)

    assert ported == sql
    references = [row[1] for row in portable.urgent_rows(now=now, limit=3)]
    oldest = WithdrawalTicket.objects.order_by("first_contact_due_at", "id").values_list(
        "reference", flat=True
    )
    assert references == list(oldest[:3])


def test_history_days_are_shanghai_days_and_the_window_keeps_its_edges(db, frozen):
    now = clock.now()
    start = shanghai("2026-11-11 00:00")
    agent = AgentProfileFactory().user

    def closed(code: str, **fields):
        return ticket(
            code, platform_code="alipay", type_code="infringement", filed=start - 30 * HOUR, **fields
        )

    # H1: first contact due the first instant of the window and made at that very instant (met).
    closed(
        "H1",
        status=TicketStatus.APPROVED,
        assignee=agent,
        first_contact_due_at=start,
        first_contact_at=start,
        decision_due_at=start + 30 * HOUR,
        decided_at=start + 20 * HOUR,
    )
    # H2: first contact due a microsecond before the window; decided in it (outcome only).
    closed(
        "H2",
        status=TicketStatus.REFUSED,
        first_contact_due_at=start - MICROSECOND,
        first_contact_at=start - 2 * HOUR,
        decision_due_at=start - HOUR,
        decided_at=start + HOUR,
    )
    # H3: decision due 23:59:59 Shanghai (15:59:59 UTC) on 11-23, made a second late, at midnight.
    closed(
        "H3",
        status=TicketStatus.REFUSED,
        assignee=agent,
        first_contact_due_at=shanghai("2026-11-23 16:00"),
        first_contact_at=shanghai("2026-11-23 16:00") + MICROSECOND,
        decision_due_at=shanghai("2026-11-23 23:59:59"),
        decided_at=shanghai("2026-11-24 00:00"),
    )
    # H4: waiting on the requester past its decision deadline (paused: not settled); contact missed.
    closed(
        "H4",
        status=TicketStatus.WAITING_ON_REQUESTER,
        assignee=agent,
        first_contact_due_at=now - 5 * HOUR,
        first_contact_breached_at=now - 5 * HOUR,
        decision_due_at=now - HOUR,
    )
    # H5: expired undecided, with no complaint type: its decision counts as missed, no outcome.
    expired = closed(
        "H5",
        status=TicketStatus.EXPIRED,
        first_contact_due_at=shanghai("2026-11-20 08:00"),
        first_contact_at=shanghai("2026-11-20 07:00"),
        decision_due_at=shanghai("2026-11-21 08:00"),
        decision_breached_at=shanghai("2026-11-21 08:00"),
    )
    WithdrawalTicket.objects.filter(pk=expired.pk).update(complaint_type=None)
    # H6: open, deadlines ahead: nothing settled yet. H7, H8: a draft and a cancelled ticket count nowhere.
    closed(
        "H6", status=TicketStatus.RECEIVED, first_contact_due_at=now + HOUR, decision_due_at=now + 9 * HOUR
    )
    closed("H7", status=TicketStatus.CANCELLED, first_contact_due_at=now - HOUR)
    draft = closed("H8", status=TicketStatus.CANCELLED, first_contact_due_at=now - HOUR)
    WithdrawalTicket.objects.filter(pk=draft.pk).update(status=TicketStatus.DRAFT)

    sql, ported = _both("history_rows", now=now, tz=selectors.dashboard_policy().tz)

    assert ported == sql
    rates = {(row[0], row[1], row[2]): row[3:] for row in ported}
    day = shanghai("2026-11-11 00:00").date()
    assert rates[("first_contact", "day", day)] == (1, 1)  # H1 only, not H2
    assert rates[("first_contact", "day", shanghai("2026-11-23 00:00").date())] == (1, 0)  # H3
    assert rates[("decision", "day", shanghai("2026-11-23 00:00").date())] == (1, 0)  # H3, on 11-23
    assert rates[("outcome", "day", shanghai("2026-11-24 00:00").date())] == (1, 0)  # H3, on 11-24
    assert rates[("first_contact", "day", shanghai("2026-11-24 00:00").date())] == (1, 0)  # H4
    assert ("decision", "day", shanghai("2026-11-24 00:00").date()) not in rates  # H4 paused
    assert rates[("decision", "type", None)] == (1, 0)  # H5
    assert rates[("outcome", "agent", None)] == (1, 0)  # H2
    assert rates[("outcome", "agent", agent.pk)] == (2, 1)  # H1 approved, H3 refused


# ------------------------------------------------------------------------------------ any data


def _random_tickets(count: int, *, seed: int) -> None:
    """`count` tickets in every status, with clock columns anywhere in the last and next three weeks."""
    now = clock.now()
    chance = random.Random(seed)
    platforms = list(Platform.objects.all())
    types = [*ComplaintType.objects.all(), None]
    stages = [*Stage.objects.all(), None]
    agents = [AgentProfileFactory().user for _ in range(3)]

    def moment(maybe_none: float = 0.3):
        if chance.random() < maybe_none:
            return None
        whole_hours = chance.random() < 0.3  # on the hour: the edges of buckets and deadlines
        offset = timedelta(hours=chance.randint(-500, 100))
        return (
            now + offset
            if whole_hours
            else now + offset + timedelta(microseconds=chance.randint(0, 3_600_000_000))
        )

    for n in range(count):
        status = chance.choice(list(TicketStatus))
        assignee = chance.choice([*agents, None])
        if status == TicketStatus.ASSIGNED and assignee is None:
            assignee = agents[0]
        filed = moment(0.05)
        complaint = ComplaintFactory(
            platform=chance.choice(platforms), number=f"R{seed}-{n}", filed_at=filed or now
        )
        TicketFactory(
            complaint=complaint,
            requester=None,
            complaint_type=chance.choice(types),
            complaint_filed_at=filed,
            stage=chance.choice(stages),
            status=status,
            assignee=assignee,
            submitted_at=now - 600 * HOUR,
            first_contact_due_at=moment(),
            first_contact_at=moment(0.5),
            first_contact_breached_at=moment(0.6),
            decision_due_at=moment(),
            decided_at=moment(0.5),
            decision_breached_at=moment(0.7),
        )
    # Some deadlines met or missed to the microsecond, and some due exactly at the hour's edges.
    WithdrawalTicket.objects.filter(pk__in=WithdrawalTicket.objects.order_by("?").values("pk")[:20]).update(
        first_contact_at=F("first_contact_due_at"), decided_at=F("decision_due_at")
    )
    WithdrawalTicket.objects.filter(pk__in=WithdrawalTicket.objects.order_by("?").values("pk")[:10]).update(
        first_contact_due_at=now + HOUR, decision_due_at=now
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_tickets_give_the_same_rows_both_ways(db, frozen, seed):
    _random_tickets(150, seed=seed)
    now = clock.now()
    policy = selectors.dashboard_policy()
    today = now.astimezone(policy.tz).date()
    wechat = Platform.objects.get(code="wechat").pk
    # A platform and a month of receipt days: the filter both ways (apps.dashboard.filters).
    chosen = DashboardFilter(
        date_from=today - timedelta(days=30), date_to=today, platform_id=wechat, platform_code="wechat"
    )

    for name, kwargs in (
        ("open_rows", {"now": now, "age_edges": policy.age_edges}),
        ("open_rows", {"now": now, "age_edges": policy.age_edges, "chosen": chosen, "tz": policy.tz}),
        ("urgent_rows", {"now": now, "limit": 50, "chosen": chosen, "tz": policy.tz}),
        ("history_rows", {"now": now, "tz": policy.tz, "chosen": chosen}),
        ("open_rows", {"now": now, "age_edges": [0, 5, 50]}),
        ("urgent_rows", {"now": now}),
        ("urgent_rows", {"now": now, "limit": 2}),
        ("history_rows", {"now": now, "tz": policy.tz}),
        (
            "history_rows",
            {"now": now, "tz": policy.tz, "period": [today - timedelta(days=n) for n in (2, 1, 0)]},
        ),
    ):
        sql, ported = _both(name, **kwargs)
        assert ported == sql, (name, kwargs)
        assert ported, (name, kwargs)

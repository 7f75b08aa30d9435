"""A small known dataset for the dashboard, at a frozen moment: Tuesday 2026-11-24 10:00 Shanghai."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR
from apps.policy.models import Stage
from apps.tickets.models import TicketStatus
from tests.factories import (
    AgentProfileFactory,
    ComplaintFactory,
    TicketFactory,
    UserFactory,
    complaint_type,
    platform,
)
from tests.intake.conftest import FrozenClock
from tests.sla.conftest import shanghai

NOW = "2026-11-24 10:00"


def parse_svg(text: str) -> ET.Element:
    """Parse a chart: the module's own output, so the standard parser is the right strict check."""
    return ET.fromstring(text)  # noqa: S314


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    clock = FrozenClock(shanghai(NOW))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


def in_role(role: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def supervisor(db):
    return in_role(SUPERVISOR, username="lead", display_name="Lead")


@pytest.fixture
def agent(db):
    return in_role(AGENT, username="agent-x", display_name="Agent X")


@pytest.fixture
def requester(db):
    return in_role(REQUESTER, username="requester-x")


@dataclass
class Seeded:
    agent_a: object
    agent_b: object
    tickets: dict


def ticket(code: str, *, platform_code: str, type_code: str, filed, stage: str | None = None, **fields):
    """A ticket with its complaint, filed at `filed`; every clock column as given."""
    complaint = ComplaintFactory(
        platform=platform(platform_code),
        complaint_type=complaint_type(type_code),
        filed_at=filed,
        number=f"N{code}{platform_code}",
    )
    submitted = fields.pop("submitted_at", filed + timedelta(minutes=10))
    return TicketFactory(
        complaint=complaint,
        complaint_filed_at=filed,
        stage=Stage.objects.get(code=stage) if stage else None,
        submitted_at=submitted,
        received_at=fields.pop("received_at", submitted),
        first_contact_due_at=fields.pop("first_contact_due_at", filed + timedelta(hours=4)),
        **fields,
    )


def seed_known() -> Seeded:
    """Four open tickets and six closed ones whose figures the tests know by heart (see each line)."""
    now = shanghai(NOW)
    hours = timedelta(hours=1)
    a = AgentProfileFactory(user__username="agent-a", user__display_name="Agent A", max_open_tickets=2).user
    b = AgentProfileFactory(user__username="agent-b", user__display_name="Agent B", max_open_tickets=5).user
    yesterday = shanghai("2026-11-23 00:00")
    t = {}
    # Open. T1: first contact due in 30 min (due soon), 2.5 h old, Agent A.
    t[1] = ticket(
        "1",
        platform_code="wechat",
        type_code="infringement",
        filed=now - 2.5 * hours,
        stage="preliminary_review",
        status=TicketStatus.ASSIGNED,
        assignee=a,
        first_contact_due_at=now + timedelta(minutes=30),
        decision_due_at=now + 50 * hours,
    )
    # T2: first contact missed 6 h ago and still owed (breached), 10 h old, unassigned.
    t[2] = ticket(
        "2",
        platform_code="wechat",
        type_code="infringement",
        filed=now - 10 * hours,
        stage="evidence_check",
        status=TicketStatus.RECEIVED,
        first_contact_due_at=now - 6 * hours,
        first_contact_breached_at=now - 6 * hours,
        decision_due_at=now + 20 * hours,
    )
    # T3: contacted in time yesterday, decision missed an hour ago (breached), 30 h old, Agent A.
    t[3] = ticket(
        "3",
        platform_code="alipay",
        type_code="account_violation",
        filed=now - 30 * hours,
        stage="final_review",
        status=TicketStatus.ASSIGNED,
        assignee=a,
        first_contact_due_at=now - 26 * hours,
        first_contact_at=now - 27 * hours,
        decision_due_at=now - hours,
        decision_breached_at=now - hours,
    )
    # T4: waiting on the requester: its decision deadline in 20 min is paused (not due soon); 1 h old.
    t[4] = ticket(
        "4",
        platform_code="alipay",
        type_code="account_violation",
        filed=now - hours,
        stage="preliminary_review",
        status=TicketStatus.WAITING_ON_REQUESTER,
        assignee=b,
        first_contact_due_at=now + 3 * hours,
        first_contact_at=now - timedelta(minutes=30),
        decision_due_at=now + timedelta(minutes=20),
        waiting_since=now - timedelta(minutes=10),
    )
    # Closed. T5: approved yesterday, both deadlines met (Agent A).
    t[5] = ticket(
        "5",
        platform_code="wechat",
        type_code="infringement",
        filed=yesterday + 5 * hours,
        stage="preliminary_review",
        status=TicketStatus.APPROVED,
        assignee=a,
        decided_by=a,
        first_contact_due_at=yesterday + 10 * hours,
        first_contact_at=yesterday + 9 * hours,
        decision_due_at=yesterday + 20 * hours,
        decided_at=yesterday + 15 * hours,
    )
    # T6: refused yesterday, both deadlines missed (Agent B).
    t[6] = ticket(
        "6",
        platform_code="alipay",
        type_code="account_violation",
        filed=yesterday + 7 * hours,
        stage="preliminary_review",
        status=TicketStatus.REFUSED,
        assignee=b,
        decided_by=b,
        first_contact_due_at=yesterday + 11 * hours,
        first_contact_at=yesterday + 12 * hours,
        decision_due_at=yesterday + 18 * hours,
        decided_at=yesterday + 19 * hours,
    )
    # T7: routed on 11-21, both met (Agent A).
    t[7] = ticket(
        "7",
        platform_code="wechat",
        type_code="account_violation",
        filed=shanghai("2026-11-21 09:00"),
        stage="preliminary_review",
        status=TicketStatus.ROUTED,
        assignee=a,
        decided_by=a,
        first_contact_due_at=shanghai("2026-11-21 13:00"),
        first_contact_at=shanghai("2026-11-21 10:00"),
        decision_due_at=shanghai("2026-11-21 23:00"),
        decided_at=shanghai("2026-11-21 16:00"),
    )
    # T8: expired: contacted in time on 11-19, no decision by its deadline on 11-20 (Agent B).
    t[8] = ticket(
        "8",
        platform_code="wechat",
        type_code="infringement",
        filed=shanghai("2026-11-19 09:00"),
        stage="handled",
        status=TicketStatus.EXPIRED,
        assignee=b,
        first_contact_due_at=shanghai("2026-11-19 13:00"),
        first_contact_at=shanghai("2026-11-19 12:00"),
        decision_due_at=shanghai("2026-11-20 09:00"),
        decision_breached_at=shanghai("2026-11-20 09:00"),
    )
    # T9: cancelled by the requester: counts nowhere.
    t[9] = ticket(
        "9",
        platform_code="wechat",
        type_code="infringement",
        filed=now - 20 * hours,
        status=TicketStatus.CANCELLED,
        first_contact_due_at=now - 16 * hours,
    )
    # T10: approved 20 days ago: outside the last 14 days.
    t[10] = ticket(
        "10",
        platform_code="wechat",
        type_code="infringement",
        filed=shanghai("2026-11-03 09:00"),
        stage="handled",
        status=TicketStatus.APPROVED,
        assignee=a,
        first_contact_due_at=shanghai("2026-11-03 13:00"),
        first_contact_at=shanghai("2026-11-03 10:00"),
        decision_due_at=shanghai("2026-11-04 09:00"),
        decided_at=shanghai("2026-11-03 15:00"),
    )
    return Seeded(a, b, t)


@pytest.fixture
def seeded(db, frozen) -> Seeded:
    return seed_known()

"""A breach e-mails the ticket's agent and the team supervisor, once."""

import pytest
from django.core import mail

from apps.sla.tasks import notify_breach
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.factories import TeamFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_agent_and_the_supervisor_are_told_once():
    supervisor = UserFactory(email="lead@example.com")
    agent = UserFactory(email="agent@example.com")
    ticket = TicketFactory(status="assigned", assignee=agent, team=TeamFactory(supervisor=supervisor))
    key = f"breach:first_contact:{ticket.pk}"
    event_record(
        ticket=ticket,
        kind=EventKind.DEADLINE_BREACHED,
        to_value="first_contact",
        data={"deadline": "first_contact"},
        dedupe_key=key,
    )
    assert notify_breach(key) is True
    assert notify_breach(key) is False
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["agent@example.com", "lead@example.com"]
    assert ticket.reference in mail.outbox[0].subject


def test_nobody_to_tell_sends_nothing():
    ticket = TicketFactory()
    key = f"breach:decision:{ticket.pk}"
    event_record(
        ticket=ticket, kind=EventKind.DEADLINE_BREACHED, data={"deadline": "decision"}, dedupe_key=key
    )
    assert notify_breach(key) is False
    assert mail.outbox == []

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


def test_a_sweeps_breaches_are_queued_in_chunks_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    from apps.sla import tasks
    from apps.sla.sweep import SweepResult

    sent: list[list[str]] = []
    monkeypatch.setattr(tasks.notify_breaches, "delay", lambda keys: sent.append(keys))
    keys = [f"breach:{n}" for n in range(tasks.BREACH_NOTICE_CHUNK + 1)]
    result = SweepResult(due=1, breaches=len(keys), batches=1, breach_event_keys=keys)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        tasks._queue_breach_notices(result)
    assert sent == []  # nothing leaves before the sweep's transaction commits
    for callback in queued:
        callback()

    assert [len(chunk) for chunk in sent] == [tasks.BREACH_NOTICE_CHUNK, 1]
    assert [key for chunk in sent for key in chunk] == keys

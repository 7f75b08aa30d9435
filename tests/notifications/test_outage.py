"""The broker and the SMTP server down while an agent decides: nothing is lost, nothing is sent twice.

The broker is a real Celery app pointed at a closed port (publishing fails as it would with Redis
down); the e-mail goes to a real SMTP server on loopback once it is started; the text to the fake
provider the outbox tests use. The catch-up then sends each message exactly once.
"""

import pytest
from celery import Celery

from apps.casework.services import ticket_refuse
from apps.outbound import services as outbound
from apps.outbound.models import Channel, MessageStatus, OutboundMessage
from apps.outbound.services import outbound_catch_up
from apps.tickets.models import TicketStatus
from tests.casework.conftest import agent_with
from tests.factories import TicketFactory
from tests.notifications.conftest import ADDRESS, PHONE
from tests.outbound.outbox.support import InlineWorker, SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch) -> Celery:
    """The outbox publishes through a Celery app whose broker nobody listens on (port 1 on loopback)."""
    down = Celery("outage", broker="redis://127.0.0.1:1/0", set_as_current=False)
    down.conf.broker_connection_timeout = 1
    monkeypatch.setattr(outbound, "current_app", down)
    return down


def test_a_decision_taken_during_an_outage_is_told_once_when_the_services_return(
    requester,
    now,
    fake_sms,
    smtp_port,
    broker_down,
    monkeypatch,
    django_capture_on_commit_callbacks,
    caplog,
):
    at = now("2026-11-24 10:00")
    agent = agent_with()
    ticket = TicketFactory(requester=requester, status=TicketStatus.ASSIGNED, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="The respondent has not agreed.")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REFUSED  # the decision is saved
    rows = {row.channel: row for row in OutboundMessage.objects.filter(ticket=ticket)}
    assert set(rows) == {Channel.SMS, Channel.EMAIL}
    assert (rows[Channel.SMS].recipient, rows[Channel.EMAIL].recipient) == (PHONE, ADDRESS)
    assert all(row.status == MessageStatus.QUEUED and row.attempts == 0 for row in rows.values())
    assert "could not queue message" in caplog.text  # the broker refused; the rows wait
    assert outbound_catch_up(now=at) == sorted(row.pk for row in rows.values())  # still down: queued again
    assert fake_sms.calls == []

    # Both come back: the SMTP server listens, the broker takes tasks (and runs them at once).
    server = SmtpServer(smtp_port)
    server.start()
    try:
        monkeypatch.setattr(outbound, "current_app", InlineWorker())
        outbound_catch_up(now=at)
        outbound_catch_up(now=at)  # a second catch-up finds nothing left to send
    finally:
        server.stop()

    assert len(server.mailbox.received) == 1
    [(recipients, received)] = server.mailbox.received
    assert recipients == [ADDRESS]
    assert "The respondent has not agreed." in received.get_body(preferencelist=("plain",)).get_content()
    assert len(fake_sms.calls) == 1
    assert fake_sms.calls[0]["phone"] == PHONE
    assert set(OutboundMessage.objects.filter(ticket=ticket).values_list("status", "attempts")) == {
        (MessageStatus.SENT, 1)
    }


def test_the_smtp_server_still_down_when_the_broker_returns_delays_only_the_email(
    requester, now, fake_sms, smtp_port, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    now("2026-11-24 10:00")
    agent = agent_with()
    ticket = TicketFactory(requester=requester, status=TicketStatus.ASSIGNED, assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="No agreement.")

    monkeypatch.setattr(outbound, "current_app", InlineWorker())
    outbound_catch_up(now=now("2026-11-24 10:01"))  # the text goes; the e-mail meets a closed port
    email = OutboundMessage.objects.get(ticket=ticket, channel=Channel.EMAIL)
    assert (email.status, email.attempts) == (MessageStatus.QUEUED, 1)
    assert len(fake_sms.calls) == 1

    server = SmtpServer(smtp_port)
    server.start()
    try:
        outbound_catch_up(now=now("2026-11-24 10:01:20"))  # before its back-off: nothing
        assert server.mailbox.received == []
        outbound_catch_up(now=now("2026-11-24 10:02"))
        outbound_catch_up(now=now("2026-11-24 10:03"))
    finally:
        server.stop()
    assert len(server.mailbox.received) == 1 and len(fake_sms.calls) == 1

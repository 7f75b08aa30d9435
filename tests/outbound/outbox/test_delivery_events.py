"""A ticket's message recorded sent or failed puts one event on the ticket's timeline, with the row."""

import pytest
from django.db import transaction

from apps.outbound.models import MessageStatus, OutboundMessage
from apps.outbound.services import MAX_ATTEMPTS, DeliveryOutcome, _claim, _record, outbound_deliver
from apps.outbound.sms.base import SmsRejected, SmsRetryable
from apps.tickets.models import EventKind, TicketEvent
from tests.factories import TicketFactory
from tests.outbound.outbox.support import PHONE, sms_message

pytestmark = pytest.mark.django_db

BODY = "您的撤诉申请已受理。"


def delivery_events(ticket) -> list[TicketEvent]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.NOTICE_SENT, EventKind.NOTICE_FAILED])
    )


def test_a_sent_message_records_notice_sent_with_where_and_how_never_to_whom_or_what(fake_sms):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)

    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SENT

    (event,) = delivery_events(ticket)
    message.refresh_from_db()
    assert (event.kind, event.actor_id, event.actor_label, event.to_value) == (
        EventKind.NOTICE_SENT,
        None,
        "outbox",
        "sms",
    )
    assert event.data == {
        "outbound_id": message.pk,
        "channel": "sms",
        "event": "ticket_received",
        "provider": "fake",
        "provider_message_id": "fake-1",
    }
    assert event.occurred_at == message.sent_at
    stored = str(event.data) + event.to_value + event.from_value
    assert PHONE not in stored and BODY not in stored


def test_a_rejected_message_records_notice_failed_with_the_reason(fake_sms):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)
    fake_sms.script = [SmsRejected(f"template refused for {PHONE}")]

    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.FAILED

    (event,) = delivery_events(ticket)
    message.refresh_from_db()
    assert event.kind == EventKind.NOTICE_FAILED and event.to_value == "sms"
    assert event.data == {
        "outbound_id": message.pk,
        "channel": "sms",
        "event": "ticket_received",
        "provider": "",
        "error": message.last_error,
    }
    assert PHONE not in str(event.data)  # the reason is stored masked, as on the row


def test_a_retry_records_nothing_until_the_message_is_finally_sent(fake_sms):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)
    fake_sms.script = [SmsRetryable("busy")]

    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.RETRY
    assert delivery_events(ticket) == []

    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SENT
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED
    assert [event.kind for event in delivery_events(ticket)] == [EventKind.NOTICE_SENT]


def test_a_message_of_no_ticket_records_no_event(fake_sms):
    before = TicketEvent.objects.count()
    message = sms_message()
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SENT
    assert TicketEvent.objects.count() == before


def test_a_worker_whose_row_was_taken_over_records_no_event(fake_sms):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)
    claimed = _claim(message_id=message.pk, now=message.next_attempt_at)
    assert claimed is not None
    # The lease ran out and another worker claimed the row meanwhile: attempt 2 is theirs.
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=2)

    assert _record(claimed, status=MessageStatus.SENT, provider="fake", provider_message_id="x") is False
    assert delivery_events(ticket) == []


def test_giving_up_at_the_claim_records_notice_failed_once(fake_sms):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket, attempts=MAX_ATTEMPTS, last_error="busy")

    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.FAILED
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED

    (event,) = delivery_events(ticket)
    assert event.kind == EventKind.NOTICE_FAILED
    assert event.data["error"] == f"gave up after {MAX_ATTEMPTS} attempts; busy"
    assert fake_sms.calls == []


def test_an_event_that_cannot_be_written_never_makes_the_message_go_twice(fake_sms, monkeypatch, caplog):
    """The result is what keeps a message from being sent again; the timeline entry comes second."""
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)

    def broken(**kwargs):
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr("apps.outbound.services.event_record", broken)
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SENT
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert delivery_events(ticket) == []
    assert "could not be put on its ticket" in caplog.text
    assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED
    assert len(fake_sms.calls) == 1


def test_the_event_is_rolled_back_with_the_result(fake_sms, monkeypatch):
    """One transaction: a result that does not commit leaves no event behind."""
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)
    claimed = _claim(message_id=message.pk, now=message.next_attempt_at)
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(claimed, status=MessageStatus.SENT, provider="fake", provider_message_id="x")
        assert len(delivery_events(ticket)) == 1
        raise RuntimeError("the database went away before the commit")
    assert delivery_events(ticket) == []
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING


def test_the_webhooks_hear_of_a_delivery_once_it_commits(fake_sms, django_capture_on_commit_callbacks):
    ticket = TicketFactory()
    message = sms_message(ticket=ticket)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        outbound_deliver(message_id=message.pk)
    assert callbacks  # the integrations' hand-over of the new event, after the commit

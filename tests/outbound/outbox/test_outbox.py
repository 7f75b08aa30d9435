"""The outbox: written with what caused it, delivered once after commit, retried with back-off."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.outbound.models import Channel, MessageStatus, OutboundMessage
from apps.outbound.services import (
    MAX_ATTEMPTS,
    SENDING_LEASE,
    DeliveryOutcome,
    backoff_after,
    outbound_catch_up,
    outbound_deliver,
    outbound_enqueue,
)
from apps.outbound.sms.base import SmsRejected, SmsRetryable
from tests.factories import RequesterFactory, TicketFactory
from tests.outbound.outbox.support import PHONE, sms_message

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def enqueue_sms(key: str = "ticket_received:1", **overrides):
    arguments = {
        "channel": Channel.SMS, "recipient": PHONE, "event": "ticket_received", "dedupe_key": key,
        "language": "zh-hans", "body": "您的撤诉申请已受理。", "sms_template": "2001",
        "sms_params": {"reference": "CH-2026-0001"},
    }
    return outbound_enqueue(**{**arguments, **overrides})


def close_to(moment, expected, slack=timedelta(seconds=5)) -> bool:
    return abs(moment - expected) <= slack


class TestEnqueue:
    def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(
        self, worker, fake_sms, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), \
                transaction.atomic():
            enqueue_sms()
            raise Boom

        assert callbacks == []
        assert not OutboundMessage.objects.exists()
        assert worker.sent == [] and fake_sms.calls == []

    def test_on_commit_one_row_is_written_and_delivered_by_task_name(
        self, worker, fake_sms, django_capture_on_commit_callbacks
    ):
        ticket = TicketFactory()
        requester = RequesterFactory()
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue_sms(ticket=ticket, requester=requester)
            assert worker.sent == []  # nothing leaves before the commit

        assert worker.delivered_ids() == [message.pk]
        message.refresh_from_db()
        assert (message.status, message.attempts, message.ticket, message.requester) == (
            MessageStatus.SENT, 1, ticket, requester)
        assert (message.provider, message.provider_message_id) == ("fake", "fake-1")
        assert message.sent_at is not None
        assert fake_sms.calls == [{"phone": PHONE, "template": "2001",
                                   "params": {"reference": "CH-2026-0001"}, "language": "zh-hans"}]

    def test_the_same_dedupe_key_twice_is_one_row_one_task_one_text(
        self, worker, fake_sms, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = enqueue_sms()
            second = enqueue_sms(body="a different body, same key")

        assert first.pk == second.pk
        assert OutboundMessage.objects.count() == 1
        assert worker.delivered_ids() == [first.pk]
        assert len(fake_sms.calls) == 1

    def test_delivering_twice_sends_once(self, worker, fake_sms, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue_sms()

        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED
        assert len(fake_sms.calls) == 1

    def test_a_broker_down_at_commit_leaves_the_row_queued_for_the_catch_up(
        self, worker, fake_sms, django_capture_on_commit_callbacks
    ):
        worker.broker_down = True
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue_sms()  # the commit itself succeeds

        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED and fake_sms.calls == []
        worker.broker_down = False
        assert outbound_catch_up(now=timezone.now()) == [message.pk]
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT and len(fake_sms.calls) == 1

    def test_send_after_waits(self, worker, fake_sms, django_capture_on_commit_callbacks):
        later = timezone.now() + timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue_sms(send_after=later)

        assert worker.sent[0][2]["eta"] == later
        assert fake_sms.calls == []  # the inline worker ran it early: not due, skipped
        assert OutboundMessage.objects.get().status == MessageStatus.QUEUED
        assert message.next_attempt_at == later

    def test_enqueue_outside_a_transaction_is_refused(self, worker):
        connection = transaction.get_connection()
        in_block, connection.in_atomic_block = connection.in_atomic_block, False
        try:
            with pytest.raises(RuntimeError, match="inside the transaction"):
                enqueue_sms()
        finally:
            connection.in_atomic_block = in_block


class TestSmsOutcomes:
    def test_a_retryable_error_queues_it_again_with_back_off(self, worker, fake_sms):
        fake_sms.script = [SmsRetryable("provider busy", "InternalError.Timeout")]
        message = sms_message()

        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.RETRY

        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
        assert close_to(message.next_attempt_at, timezone.now() + timedelta(seconds=30))
        assert message.last_error == "provider busy"

    def test_the_providers_retry_after_wins_when_longer(self, worker, fake_sms):
        fake_sms.script = [SmsRetryable("one hour limit", "LimitExceeded.PhoneNumberOneHourLimit", 3600)]
        message = sms_message()

        outbound_deliver(message_id=message.pk)

        message.refresh_from_db()
        assert close_to(message.next_attempt_at, timezone.now() + timedelta(hours=1))

    def test_back_off_grows_then_caps(self):
        assert [backoff_after(n) for n in (1, 2, 3, 4, 5, 8)] == [
            timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
            timedelta(hours=1), timedelta(hours=1),
        ]

    def test_retries_count_attempts_and_give_up_at_the_limit(self, worker, fake_sms):
        fake_sms.script = [SmsRetryable("provider busy")] * MAX_ATTEMPTS
        message = sms_message()

        for attempt in range(1, MAX_ATTEMPTS + 1):
            OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
            outcome = outbound_deliver(message_id=message.pk)
            message.refresh_from_db()
            assert message.attempts == attempt
            assert outcome == (DeliveryOutcome.FAILED if attempt == MAX_ATTEMPTS else DeliveryOutcome.RETRY)

        assert message.status == MessageStatus.FAILED
        assert message.last_error == f"gave up after {MAX_ATTEMPTS} attempts; provider busy"
        assert len(fake_sms.calls) == MAX_ATTEMPTS

    def test_a_rejection_fails_it_with_the_reason_and_no_number(self, worker, fake_sms):
        fake_sms.script = [
            SmsRejected(f"number {PHONE} is on the blacklist", "FailedOperation.PhoneNumberInBlacklist")
        ]
        message = sms_message()

        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.FAILED

        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
        assert message.last_error == "number 138****8000 is on the blacklist"
        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED
        assert len(fake_sms.calls) == 1

    def test_the_development_log_provider_sends(self, worker, settings, caplog):
        settings.OUTBOUND_SMS_PROVIDER = "apps.outbound.sms.log.LogSms"
        message = sms_message()

        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SENT

        message.refresh_from_db()
        assert message.provider == "log" and message.provider_message_id.startswith("log-")
        assert "138****8000" in caplog.text

    def test_sms_not_configured_keeps_the_message_queued(self, worker, settings, monkeypatch):
        settings.OUTBOUND_SMS_PROVIDER = ""
        monkeypatch.delenv("CHEHUI_SMS_BACKEND", raising=False)
        message = sms_message()

        assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.RETRY

        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert "CHEHUI_SMS_BACKEND" in message.last_error


class TestCatchUp:
    def test_it_takes_expired_leases_and_due_rows_not_future_or_finished_ones(self, worker, fake_sms):
        worker.running = False
        now = timezone.now()
        expired = sms_message(
            status=MessageStatus.SENDING, attempts=1, next_attempt_at=now - timedelta(seconds=1)
        )
        due = sms_message(next_attempt_at=now - timedelta(minutes=1))
        sms_message(next_attempt_at=now + timedelta(minutes=1))  # a retry not yet due
        sms_message(status=MessageStatus.SENDING, attempts=1, next_attempt_at=now + SENDING_LEASE)  # live
        sms_message(status=MessageStatus.SENT, next_attempt_at=now - timedelta(hours=1))
        sms_message(status=MessageStatus.FAILED, next_attempt_at=now - timedelta(hours=1))

        assert outbound_catch_up(now=now) == [due.pk, expired.pk]  # the longest waiting first
        assert sorted(worker.delivered_ids()) == sorted([due.pk, expired.pk])

    def test_an_expired_lease_is_sent_again_and_counted(self, worker, fake_sms):
        message = sms_message(status=MessageStatus.SENDING, attempts=1,
                              next_attempt_at=timezone.now() - timedelta(seconds=1))

        outbound_catch_up(now=timezone.now())

        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
        assert len(fake_sms.calls) == 1

    def test_an_expired_lease_out_of_attempts_fails_without_sending(self, worker, fake_sms):
        message = sms_message(status=MessageStatus.SENDING, attempts=MAX_ATTEMPTS, last_error="timeout",
                              next_attempt_at=timezone.now() - timedelta(seconds=1))

        outbound_catch_up(now=timezone.now())

        message.refresh_from_db()
        assert message.status == MessageStatus.FAILED
        assert message.last_error == f"gave up after {MAX_ATTEMPTS} attempts; timeout"
        assert fake_sms.calls == []

    def test_a_late_result_does_not_overwrite_the_worker_that_took_over(self, worker, fake_sms):
        """Worker A's lease ran out mid-send and B re-claimed the row: A's answer is not written."""
        message = sms_message()

        def lease_taken_over() -> None:
            OutboundMessage.objects.filter(pk=message.pk).update(attempts=2, next_attempt_at=timezone.now())

        fake_sms.during_send = lease_taken_over
        outbound_deliver(message_id=message.pk)

        message.refresh_from_db()
        assert (message.status, message.attempts, message.provider) == (MessageStatus.SENDING, 2, "")

    def test_its_cost_does_not_grow_with_the_rows_not_yet_due(
        self, worker, fake_sms, django_assert_num_queries
    ):
        worker.running = False
        now = timezone.now()
        due = [sms_message(next_attempt_at=now - timedelta(seconds=n)) for n in range(1, 4)]
        future = [
            OutboundMessage(
                channel=Channel.SMS, recipient=PHONE, event="e", language="zh-hans", body="b",
                sms_template="1", dedupe_key=f"future:{n}", next_attempt_at=now + timedelta(hours=1),
            )
            for n in range(1000)
        ]
        with django_assert_num_queries(1):
            assert sorted(outbound_catch_up(now=now)) == sorted(m.pk for m in due)
        OutboundMessage.objects.bulk_create(future)
        with django_assert_num_queries(1):
            assert sorted(outbound_catch_up(now=now)) == sorted(m.pk for m in due)

    def test_it_reads_at_most_one_batch(self, worker, fake_sms):
        worker.running = False
        now = timezone.now()
        for n in range(5):
            sms_message(next_attempt_at=now - timedelta(seconds=n + 1))

        assert len(outbound_catch_up(now=now, batch_size=2)) == 2

"""Two workers deliver the same message at once, each on its own database connection: one text."""

import threading

import pytest
from django.db import connection

from apps.outbound.models import MessageStatus
from apps.outbound.services import DeliveryOutcome, outbound_deliver
from tests.outbound.outbox.support import sms_message

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_thread(results: dict[str, DeliveryOutcome], name: str, message_id: int) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = outbound_deliver(message_id=message_id)
        finally:
            connection.close()

    return threading.Thread(target=run, name=name)


def test_a_second_worker_skips_while_the_first_is_sending(fake_sms):
    message = sms_message()
    first_in_send = threading.Event()
    second_done = threading.Event()

    def hold_the_send() -> None:
        first_in_send.set()
        second_done.wait(timeout=10)

    fake_sms.during_send = hold_the_send
    results: dict[str, DeliveryOutcome] = {}
    first = in_thread(results, "first", message.pk)
    first.start()
    assert first_in_send.wait(timeout=10)
    fake_sms.during_send = None
    second = in_thread(results, "second", message.pk)
    second.start()
    second.join(timeout=10)
    second_done.set()
    first.join(timeout=10)

    assert results == {"first": DeliveryOutcome.SENT, "second": DeliveryOutcome.SKIPPED}
    assert len(fake_sms.calls) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_many_workers_started_together_send_once(fake_sms):
    message = sms_message()
    start = threading.Barrier(6)
    results: dict[str, DeliveryOutcome] = {}

    def run(name: str) -> None:
        try:
            start.wait(timeout=10)
            results[name] = outbound_deliver(message_id=message.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results.values()) == sorted([DeliveryOutcome.SENT] + [DeliveryOutcome.SKIPPED] * 5)
    assert len(fake_sms.calls) == 1

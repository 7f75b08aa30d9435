"""Redis killed under a running worker: the worker lives on and the backlog drains within a minute.

What it simulates: a real Celery worker (prefork, as `make run` and compose start it) consumes
from our own redis-server, which is SIGKILLed (no persistence: every queued message is lost) and
started again on the same port a few seconds later. Webhooks are queued before (delivered at
once), and during the outage, when publishing fails as it does for a web request with Redis down.
"""

import time

import pytest
from django.db import connection

from apps.integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tests.resilience.conftest import delivery_ids_received, ticket_assigned
from tests.resilience.support import celery_worker, database_url, stop, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OUTAGE_SECONDS = 5
CATCH_UP_LIMIT = 60  # seconds after the broker's return


def _all_delivered() -> bool:
    return not WebhookDelivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).exists()


def test_a_worker_outlives_a_redis_restart_and_sends_what_was_queued_meanwhile(
    redis_server, receiver, subscription, publish_to, tmp_path
):
    publish_to(redis_server.url)
    log = tmp_path / "worker.log"
    worker = celery_worker(
        database=database_url(connection.settings_dict), redis=redis_server.url, var_dir=tmp_path, log=log
    )
    try:
        before = [ticket_assigned() for _ in range(3)]
        assert wait_for(_all_delivered, timeout=60), log.read_text()[-3000:]

        redis_server.kill()
        during = [ticket_assigned() for _ in range(3)]  # publishing fails: rows wait, queued "at" now
        assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == len(during)
        time.sleep(OUTAGE_SECONDS)
        assert worker.poll() is None, log.read_text()[-3000:]

        redis_server.start()
        back = time.monotonic()
        drained = wait_for(_all_delivered, timeout=CATCH_UP_LIMIT)
        took = time.monotonic() - back
        alive = worker.poll() is None
    finally:
        stop(worker)
    output = log.read_text()
    assert drained, f"backlog left after {CATCH_UP_LIMIT} s:\n{output[-3000:]}"
    assert alive and "Unrecoverable error" not in output, output[-3000:]
    print(f"backlog drained {took:.1f} s after Redis returned")
    ids = sorted(WebhookDelivery.objects.values_list("pk", flat=True))
    assert len(ids) == len(before) + len(during)
    assert delivery_ids_received(receiver) == ids  # each exactly once
    assert WebhookAttempt.objects.count() == len(ids)

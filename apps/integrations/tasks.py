"""Celery tasks of the integration layer: thin, idempotent, taking ids or nothing."""

import logging

from celery import Task, shared_task

from apps.core import clock
from apps.core.reconnect import DATABASE_ERRORS
from apps.integrations.delivery import (
    Outcome,
    should_schedule_retry,
    webhook_delivery_attempt,
    webhook_delivery_held_until,
)
from apps.integrations.idempotency import idempotency_records_purge
from apps.integrations.requeue import webhook_deliveries_requeue
from apps.integrations.webhooks import webhook_catch_up, webhook_dispatch_due

logger = logging.getLogger(__name__)
# A task that met a database error (a restart) runs again after 1, 2, 4… s (at most 30 s, with
# jitter), not at the sweep minutes later: the connection is new at each run (Celery's Django fixup).
RETRY_ON_DATABASE_ERROR = {
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 12,
}
# The HTTP timeout is at most a few tens of seconds; these only stop a worker stuck elsewhere.
DELIVER_SOFT_TIME_LIMIT = 60
DELIVER_TIME_LIMIT = 90


@shared_task(
    name="integrations.webhook_deliver",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=DELIVER_SOFT_TIME_LIMIT,
    time_limit=DELIVER_TIME_LIMIT,
    bind=True,
    **RETRY_ON_DATABASE_ERROR,
)
def webhook_deliver(self: Task, delivery_id: int) -> str:
    """Make one attempt at a delivery; a short retry is queued here, a long one by the sweep."""
    result = webhook_delivery_attempt(delivery_id=delivery_id, now_fn=clock.now)
    if should_schedule_retry(result) and result.retry_in is not None:
        webhook_deliver.apply_async((delivery_id,), countdown=result.retry_in.total_seconds())
    elif result.outcome == Outcome.SKIPPED and self.request.retries:
        # Retried after a database error: the claim held may be this task's own (see the selector).
        now = clock.now()
        held_until = webhook_delivery_held_until(delivery_id=delivery_id, now=now)
        if held_until is not None:
            webhook_deliver.apply_async((delivery_id,), countdown=(held_until - now).total_seconds() + 1)
    return result.outcome.value


@shared_task(name="integrations.webhook_sweep", acks_late=True, ignore_result=True, **RETRY_ON_DATABASE_ERROR)
def webhook_sweep() -> int:
    """Queue the deliveries due for a (re)try whose task is not queued (every 30 s by beat)."""
    return len(webhook_dispatch_due(now=clock.now()))


@shared_task(
    name="integrations.webhook_broker_returned", acks_late=True, ignore_result=True, **RETRY_ON_DATABASE_ERROR
)
def webhook_broker_returned() -> int:
    """Queue again the deliveries whose task the broker may have lost (queued by a worker connecting)."""
    queued = webhook_deliveries_requeue(now=clock.now())
    if queued:
        logger.info("broker (re)connected: %s webhook deliveries queued again", len(queued))
    return len(queued)


@shared_task(
    name="integrations.webhook_catch_up", acks_late=True, ignore_result=True, **RETRY_ON_DATABASE_ERROR
)
def webhook_catch_up_task() -> int:
    """Create deliveries for events inserted in bulk, past the high-water mark (every minute)."""
    created = webhook_catch_up(now=clock.now())
    if created:
        logger.info("webhook catch-up: %s deliveries created", created)
    return created


@shared_task(name="integrations.idempotency_purge", acks_late=True, ignore_result=True)
def idempotency_purge() -> int:
    """Delete stored responses past their day (hourly by beat)."""
    return idempotency_records_purge(now=clock.now())

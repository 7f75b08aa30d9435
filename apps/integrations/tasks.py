"""Celery tasks of the integration layer: thin, idempotent, taking ids or nothing."""

import logging

from celery import shared_task

from apps.core import clock
from apps.integrations.delivery import should_schedule_retry, webhook_delivery_attempt
from apps.integrations.idempotency import idempotency_records_purge
from apps.integrations.webhooks import webhook_catch_up, webhook_dispatch_due

logger = logging.getLogger(__name__)
# The HTTP timeout is at most a few tens of seconds; these only stop a worker stuck elsewhere.
DELIVER_SOFT_TIME_LIMIT = 60
DELIVER_TIME_LIMIT = 90


@shared_task(
    name="integrations.webhook_deliver",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=DELIVER_SOFT_TIME_LIMIT,
    time_limit=DELIVER_TIME_LIMIT,
)
def webhook_deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery; a short retry is queued here, a long one by the sweep."""
    result = webhook_delivery_attempt(delivery_id=delivery_id, now_fn=clock.now)
    if should_schedule_retry(result) and result.retry_in is not None:
        webhook_deliver.apply_async((delivery_id,), countdown=result.retry_in.total_seconds())
    return result.outcome.value


@shared_task(name="integrations.webhook_sweep", acks_late=True, ignore_result=True)
def webhook_sweep() -> int:
    """Queue the deliveries due for a (re)try whose task is not queued (every minute by beat)."""
    return len(webhook_dispatch_due(now=clock.now()))


@shared_task(name="integrations.webhook_catch_up", acks_late=True, ignore_result=True)
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

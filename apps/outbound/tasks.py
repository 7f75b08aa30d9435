"""Celery tasks of the outbox: thin, taking ids, safe to run twice (the claim checks the state)."""

import logging

from celery import shared_task

from apps.core import clock
from apps.outbound.services import outbound_catch_up, outbound_deliver

logger = logging.getLogger(__name__)
# Each send has its own timeout (SMS 10 s, SMTP 30 s); these only stop a worker stuck elsewhere,
# well inside the five-minute sending lease.
DELIVER_SOFT_TIME_LIMIT = 60
DELIVER_TIME_LIMIT = 90


@shared_task(
    name="outbound.deliver",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=DELIVER_SOFT_TIME_LIMIT,
    time_limit=DELIVER_TIME_LIMIT,
)
def outbound_deliver_task(message_id: int) -> str:
    """Make one attempt at one message; a retry is picked up by the catch-up when it is due."""
    return outbound_deliver(message_id=message_id).value


@shared_task(name="outbound.catch_up", acks_late=True, ignore_result=True)
def outbound_catch_up_task() -> int:
    """Queue the messages due: retries, lost tasks, expired leases (every minute by beat)."""
    ids = outbound_catch_up(now=clock.now())
    if ids:
        logger.info("outbound catch-up: %s messages queued", len(ids))
    return len(ids)

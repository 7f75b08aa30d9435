"""Celery tasks of the outbox: thin, taking ids, safe to run twice (the claim checks the state)."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.core import clock
from apps.outbound.services import outbound_catch_up, outbound_deliver

logger = logging.getLogger(__name__)
# A task that met a database error (a restart) runs again after 1, 2, 4… s (at most 30 s, with
# jitter) instead of waiting for the catch-up; the connection is new at each run.
RETRY_ON_DATABASE_ERROR = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 12,
}
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
    **RETRY_ON_DATABASE_ERROR,
)
def outbound_deliver_task(message_id: int) -> str:
    """Make one attempt at one message; a retry is picked up by the catch-up when it is due."""
    return outbound_deliver(message_id=message_id).value


@shared_task(name="outbound.catch_up", acks_late=True, ignore_result=True, **RETRY_ON_DATABASE_ERROR)
def outbound_catch_up_task() -> int:
    """Queue the messages due: retries, lost tasks, expired leases (every 30 s by beat, and when a
    worker (re)connects to the broker)."""
    ids = outbound_catch_up(now=clock.now())
    if ids:
        logger.info("outbound catch-up: %s messages queued", len(ids))
    return len(ids)

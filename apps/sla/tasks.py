"""Celery tasks of the clock: thin, idempotent, taking ids or nothing."""

import logging
from functools import partial

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from apps.core import clock
from apps.sla.notifications import breach_notify
from apps.sla.services import clock_recompute
from apps.sla.sweep import SweepResult, clock_sweep

logger = logging.getLogger(__name__)
SWEEP_LOCK_SECONDS = 300
# A morning sweep can breach thousands of deadlines at once: queue their notices in chunks, so
# the broker gets a few messages rather than one per breach.
BREACH_NOTICE_CHUNK = 500


def _queue_breach_notices(result: SweepResult) -> None:
    keys = list(result.breach_event_keys)
    for start in range(0, len(keys), BREACH_NOTICE_CHUNK):
        chunk = keys[start : start + BREACH_NOTICE_CHUNK]
        transaction.on_commit(partial(notify_breaches.delay, chunk), robust=True)


@shared_task(name="sla.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Move every ticket whose clock boundary has passed (run every minute by beat)."""
    result = clock_sweep(now=clock.now(), after_commit=_queue_breach_notices)
    if result.due:
        logger.info("clock sweep: %s due, %s moved in %s batches", result.due, result.moved, result.batches)
    return {"due": result.due, "moved": result.moved}


@shared_task(name="sla.recompute", acks_late=True, ignore_result=True)
def recompute(ticket_ids: list[int] | None = None) -> int:
    """Recompute stored deadlines after a policy or calendar change."""
    return clock_recompute(ticket_ids=ticket_ids, now=clock.now())


@shared_task(name="sla.notify_breach", acks_late=True, ignore_result=True)
def notify_breach(event_key: str) -> bool:
    """Tell the people responsible that a deadline passed; once per breach event."""
    if not cache.add(f"sla:breach-notified:{event_key}", 1, timeout=7 * 24 * 3600):
        return False
    return breach_notify(event_key=event_key)


@shared_task(name="sla.notify_breaches", acks_late=True, ignore_result=True)
def notify_breaches(event_keys: list[str]) -> int:
    """Send the notices of a chunk of breach events, each once; return how many were sent."""
    return sum(1 for key in event_keys if notify_breach(key))

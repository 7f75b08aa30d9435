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


def _queue_breach_notices(result: SweepResult) -> None:
    for key in result.breach_event_keys:
        transaction.on_commit(partial(notify_breach.delay, key), robust=True)


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

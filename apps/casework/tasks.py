"""Celery tasks of the workspace: thin, idempotent, taking ids or nothing."""

import logging
from smtplib import SMTPException

from celery import shared_task

from apps.casework.services.assignment import tickets_auto_assign
from apps.casework.services.notifications import (
    notification_emails_send,
    notifications_deadline_soon,
    notifications_for_breaches,
)
from apps.core import clock

logger = logging.getLogger(__name__)


@shared_task(name="casework.auto_assign", acks_late=True, ignore_result=True)
def auto_assign() -> int:
    """Assign received tickets to agents, inside service hours (run every minute by beat).

    Safe to run twice: it only takes tickets still received and unassigned, under row locks.
    """
    result = tickets_auto_assign(now=clock.now())
    if result.assigned:
        logger.info("auto-assign: %s tickets in %s batches", result.assigned, result.batches)
    return result.assigned


@shared_task(name="casework.deadline_soon", acks_late=True, ignore_result=True)
def deadline_soon() -> int:
    """Tell assignees of deadlines within the hour; once per deadline (unique notice keys)."""
    return notifications_deadline_soon(now=clock.now())


@shared_task(name="casework.breach_notices", acks_late=True, ignore_result=True)
def breach_notices() -> int:
    """Put the clock's recent breaches in the agents' and supervisors' notices; once per breach."""
    return notifications_for_breaches(now=clock.now())


@shared_task(
    name="casework.notification_emails",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def notification_emails(notification_ids: list[int]) -> int:
    """E-mail these notices; a notice already e-mailed is skipped."""
    return notification_emails_send(notification_ids=notification_ids)

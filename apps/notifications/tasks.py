"""Celery tasks of requester notices: thin, safe to run twice (each warning has its unique key)."""

import logging

from celery import shared_task

from apps.core import clock
from apps.notifications.expiry import notices_about_to_expire

logger = logging.getLogger(__name__)


@shared_task(name="notifications.about_to_expire", acks_late=True, ignore_result=True)
def notices_about_to_expire_task() -> int:
    """Warn requesters whose request is about to run out (every 5 minutes by beat)."""
    told = notices_about_to_expire(now=clock.now())
    if told:
        logger.info("notifications: %s requesters warned of an expiry", told)
    return told

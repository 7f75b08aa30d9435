"""Celery tasks of the privacy app: thin, safe to run twice (erased rows are skipped, the mark moves on)."""

from celery import shared_task

from apps.core import clock
from apps.privacy.retention import retention_run


@shared_task(name="privacy.retention_run", acks_late=True, ignore_result=True)
def privacy_retention_run() -> int:
    """Erase what has passed its retention period (daily by beat); returns the rows changed."""
    return sum(run.rows_affected for run in retention_run(now=clock.now()))

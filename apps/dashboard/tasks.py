"""Celery tasks of the dashboard: thin, safe to run twice."""

from celery import shared_task

from apps.core import clock
from apps.dashboard.services import dashboard_snapshot_refresh as _refresh


@shared_task(name="dashboard.snapshot_refresh", acks_late=True, ignore_result=True)
def dashboard_snapshot_refresh() -> int:
    """Recompute the dashboard's figures (run every minute by beat); returns the time it took in ms."""
    return _refresh(now=clock.now()).duration_ms

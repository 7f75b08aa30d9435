"""Operational tasks."""

from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """Answer "pong": proves a worker takes tasks from the broker and returns results."""
    return "pong"

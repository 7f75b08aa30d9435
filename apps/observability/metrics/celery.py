"""Celery figures: the broker queue's length and task failures counted across every worker.

A prometheus_client counter lives in one process, and workers are not the processes /metrics
is scraped from; so a failure is counted in a Redis hash on the broker (HINCRBY, per task name)
and read back at scrape time. It survives worker restarts; it is reset only by deleting the key.
On the embedded filesystem broker there is no Redis: failures are then counted in this process
only (a development setup runs one worker, not scraped).
"""

import logging
from collections import Counter
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

FAILURES_KEY = "chehui:metrics:celery_task_failures"
DEFAULT_QUEUE = "celery"
REDIS_TIMEOUT_SECONDS = 1.0
_local_failures: Counter[str] = Counter()


def broker_redis() -> redis.Redis | None:
    """A client for the broker when it is Redis, with short timeouts; None on another broker."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


def task_failure_record(*, sender: Any = None, **_: Any) -> None:
    """task_failure: count one failure of the task; never let counting break the worker."""
    name = str(getattr(sender, "name", None) or "unknown")
    client = broker_redis()
    if client is None:
        _local_failures[name] += 1
        return
    try:
        client.hincrby(FAILURES_KEY, name, 1)
    except redis.RedisError:
        logger.warning("task failure of %s not counted: the broker is unreachable", name)
    finally:
        client.close()


def task_failures_read() -> dict[str, int]:
    """Failures per task name since the count began (raises redis.RedisError if unreachable)."""
    client = broker_redis()
    if client is None:
        return dict(_local_failures)
    try:
        stored = client.hgetall(FAILURES_KEY)
    finally:
        client.close()
    return {key.decode(): int(value) for key, value in stored.items()}  # type: ignore[union-attr]


def queue_length_read() -> dict[str, int] | None:
    """Messages waiting in the default queue (LLEN on the Redis broker); None on another broker."""
    client = broker_redis()
    if client is None:
        return None
    queue = str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", DEFAULT_QUEUE))
    try:
        return {queue: int(client.llen(queue))}
    finally:
        client.close()


def task_failures_connect() -> None:
    from celery.signals import task_failure

    task_failure.connect(task_failure_record, weak=False, dispatch_uid="chehui_task_failure_record")

"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in apps/*/tasks.py."""

import logging
import os
from typing import Any

from celery import Celery, bootsteps
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)
# Queued when a worker's consumer (re)connects to the broker: at start, and after every outage.
# Messages queued before may be gone (a broker restarted without its data) or were never sent
# (publishing failed while it was away); these re-queue from the rows, and a duplicate is a no-op.
BROKER_RETURN_TASKS = ("integrations.webhook_broker_returned", "outbound.catch_up")


class BrokerReturnCatchUp(bootsteps.StartStopStep):
    """Queue the catch-up tasks each time the consumer has (re)connected to the broker."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, parent: Any) -> None:
        for name in BROKER_RETURN_TASKS:
            try:
                parent.app.send_task(name, ignore_result=True, retry_policy={"max_retries": 2})
            except Exception:  # the beat schedule runs them anyway within a minute
                logger.warning("could not queue %s after connecting to the broker", name, exc_info=True)


def _redis_channel_close_tolerant() -> None:
    """Keep the worker alive when Redis goes away while it holds unacknowledged messages.

    kombu 5.7: on a lost connection the consumer collects the connection (its `client` becomes
    None) while the Redis channel still has work queued on the event loop: its close puts the
    unacknowledged messages back, a finished task acknowledges its message. Each builds a new
    Redis client from the collected connection and raises AttributeError ('NoneType' object has
    no attribute 'hostname' or 'connection_errors'), which the worker takes as unrecoverable and
    exits. Here any such use raises redis's ConnectionError instead: a broker error, which the
    worker logs and recovers from (a failed ack is logged; the message stays in Redis's unacked set
    and comes back after the visibility timeout, and its row decides that nothing is done twice).
    The close is finished without them (BrokerReturnCatchUp re-queues from the rows).
    """
    import redis
    from kombu.transport import redis as kombu_redis

    close = kombu_redis.Channel.close
    if getattr(close, "_chehui_tolerant", False):
        return
    connparams = kombu_redis.Channel._connparams

    def guarded_connparams(channel: Any, asynchronous: bool = False) -> Any:
        if channel.connection is None or channel.connection.client is None:
            raise redis.exceptions.ConnectionError("this channel's broker connection was lost")
        return connparams(channel, asynchronous=asynchronous)

    def tolerant_close(channel: Any) -> None:
        try:
            close(channel)
        except (AttributeError, redis.exceptions.ConnectionError):
            logger.warning("closed a Redis channel whose connection was already gone", exc_info=True)
            channel.closed = True

    tolerant_close._chehui_tolerant = True  # type: ignore[attr-defined]
    kombu_redis.Channel.close = tolerant_close  # type: ignore[method-assign]
    kombu_redis.Channel._connparams = guarded_connparams  # type: ignore[method-assign]


_redis_channel_close_tolerant()

app = Celery("chehui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["consumer"].add(BrokerReturnCatchUp)


@setup_logging.connect
def _logging_from_django_settings(**_: object) -> None:
    """Workers and beat log through Django's LOGGING (structlog: JSON lines in production) instead
    of Celery's own format; a task's lines carry the request id it was queued under
    (apps/observability/task_context.py)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def _ensure_filesystem_broker_folders() -> None:
    """Create the embedded broker's folders: kombu's filesystem transport expects them to exist."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(str(options[key]), exist_ok=True)
        os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)


_ensure_filesystem_broker_folders()

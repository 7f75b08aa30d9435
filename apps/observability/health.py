"""Readiness checks: can this process reach PostgreSQL, the cache and the Celery broker now?

Each check is a plain function returning a `CheckResult`; none raises, and each gives up after
CHECK_TIMEOUT_SECONDS so a load balancer's probe answers before its own timeout.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from kombu import Connection

CHECK_TIMEOUT_SECONDS = 2.0
REDIS_CACHE_BACKEND = "django.core.cache.backends.redis.RedisCache"


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    seconds: float
    error: str = ""

    def as_json(self) -> dict[str, object]:
        """The public part: the reason of a failure names hosts, so it goes to the log only."""
        return {"ok": self.ok, "seconds": round(self.seconds, 4)}


def database_check() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_check() -> None:
    """PING the Redis cache directly (short timeouts); another backend does a set and a get."""
    config = settings.CACHES["default"]
    if config["BACKEND"] == REDIS_CACHE_BACKEND:
        locations = config["LOCATION"]
        url = locations[0] if isinstance(locations, list | tuple) else str(locations).split(",")[0]
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
        return
    cache = caches["default"]
    cache.set("chehui:health", "ok", timeout=30)
    if cache.get("chehui:health") != "ok":
        raise RuntimeError("the cache did not return what was just stored")


def broker_check() -> None:
    """Open a connection to the Celery broker named in settings, giving up after the timeout."""
    with Connection(
        str(settings.CELERY_BROKER_URL),
        connect_timeout=CHECK_TIMEOUT_SECONDS,
        transport_options=dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}),
    ) as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT_SECONDS
        )
        if str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")):
            connection.default_channel.client.ping()


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
}


def check_run(name: str, check: Callable[[], None]) -> CheckResult:
    started = time.monotonic()
    try:
        check()
    except Exception as error:  # any failure means "not ready"; the reason goes in the body
        return CheckResult(name, False, time.monotonic() - started, f"{type(error).__name__}: {error}"[:200])
    return CheckResult(name, True, time.monotonic() - started)


def readiness_checks_run() -> list[CheckResult]:
    """Run every readiness check, in order."""
    return [check_run(name, check) for name, check in CHECKS.items()]

"""Requests per API key, counted under the key's public prefix; over the rate: 429 + Retry-After."""

import logging
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.core import clock
from apps.integrations import conf
from apps.integrations.permissions import api_key_of

logger = logging.getLogger(__name__)


class FailOpenThrottleMixin:
    """Count in the cache, but let the request through when the cache (Redis) cannot be reached.

    A limit is a courtesy to the service; refusing every request while Redis is down would turn
    a cache outage into an outage of the API, whose writes only need PostgreSQL.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:
            logger.warning("rate limit not counted: the cache did not answer", exc_info=True)
            return True


# KEYS[1]: the log; ARGV: now, window (seconds), limit, a unique member for this request.
# Returns {1} when let through (and logged), {0, time of the oldest logged request} when not.
SLIDING_LOG_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
    return {1}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, oldest[2]}
"""


def _sliding_log_script(backend: RedisCache, key: str) -> Script:
    """The script, registered on a client of Django's Redis pool once per backend instance.

    Django makes a new redis-py client per call, and building one (its table of reply parsers)
    costs more than the round trip it is for. The script runs by its SHA (EVALSHA).
    """
    script: Script | None = getattr(backend, "_chehui_sliding_log", None)
    if script is None:
        script = backend._cache.get_client(key, write=True).register_script(SLIDING_LOG_SCRIPT)
        backend._chehui_sliding_log = script  # type: ignore[attr-defined]
    return script


class RedisSlidingLogMixin:
    """DRF's sliding log, kept in a Redis sorted set and checked by one atomic script.

    DRF's `SimpleRateThrottle` reads the whole list of recent request times, then writes it
    back: two round trips carrying up to the rate's count of timestamps, and two concurrent
    requests may each count as the only one. Here a script drops the times past the window,
    counts, and logs this request only if it is let through, as DRF does; Retry-After is when
    the oldest logged request leaves the window. Caches other than Redis (the embedded default)
    keep DRF's list.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        throttle: SimpleRateThrottle = self  # type: ignore[assignment]
        backend = caches[DEFAULT_CACHE_ALIAS]
        if throttle.rate is None or not isinstance(backend, RedisCache):
            return super().allow_request(request, view)  # type: ignore[misc]
        ident = throttle.get_cache_key(request, view)
        if ident is None:
            return True
        # Its own name: DRF's list (another Redis type) may still sit under `ident` after an upgrade.
        key = backend.make_and_validate_key(f"{ident}:log")
        limit, duration = throttle.num_requests, throttle.duration  # type: ignore[attr-defined]
        now = throttle.timer()
        member = f"{now:.6f}-{secrets.token_hex(4)}"
        script = _sliding_log_script(backend, key)
        answer = script(keys=[key], args=[repr(now), duration, limit, member])
        if answer[0] == 1:
            return True
        oldest = float(answer[1]) if len(answer) > 1 else now
        self.wait_seconds = max(0.0, oldest + duration - now)
        return False

    def wait(self) -> float | None:
        seconds: float | None = getattr(self, "wait_seconds", None)
        if seconds is not None:
            return seconds
        return super().wait()  # type: ignore[misc]


class ApiKeyRateThrottle(FailOpenThrottleMixin, RedisSlidingLogMixin, SimpleRateThrottle):
    """The rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]; people are not counted here."""

    scope = conf.API_KEY_RATE_SCOPE

    def get_rate(self) -> str:
        # Read per request, not once at import like DRF's class attribute, so settings apply live.
        return conf.api_key_rate()

    def timer(self) -> float:
        return clock.now().timestamp()

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        key = api_key_of(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}

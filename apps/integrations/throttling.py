"""Requests per API key, counted under the key's public prefix; over the rate: 429 + Retry-After."""

import logging

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


class ApiKeyRateThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
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

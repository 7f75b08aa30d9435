"""Requests per API key, counted under the key's public prefix; over the rate: 429 + Retry-After."""

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.core import clock
from apps.integrations import conf
from apps.integrations.permissions import api_key_of


class ApiKeyRateThrottle(SimpleRateThrottle):
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

"""The integration layer's technical settings, each with a default so the app runs unconfigured.

These are transport knobs (rates, retries, timeouts), not policy: the figures of the domain stay
in the policy models.
"""

from datetime import timedelta

from django.conf import settings
from rest_framework.settings import api_settings

API_KEY_RATE_SCOPE = "api_key"
DEFAULT_API_KEY_RATE = "600/minute"


def api_key_environment() -> str:
    """The middle part of new keys' prefixes: "live" in production, "test" in a sandbox."""
    return getattr(settings, "INTEGRATIONS_API_KEY_ENVIRONMENT", "live")


def api_key_rate() -> str:
    """Requests allowed per API key, from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]."""
    return str(api_settings.DEFAULT_THROTTLE_RATES.get(API_KEY_RATE_SCOPE) or DEFAULT_API_KEY_RATE)


def idempotency_ttl() -> timedelta:
    """How long a stored response is replayed for one Idempotency-Key."""
    return timedelta(hours=getattr(settings, "INTEGRATIONS_IDEMPOTENCY_TTL_HOURS", 24))


def webhook_timeout_seconds() -> float:
    """How long a receiver has to answer one delivery."""
    return float(getattr(settings, "INTEGRATIONS_WEBHOOK_TIMEOUT_SECONDS", 10))


def webhook_max_attempts() -> int:
    """Attempts per delivery before it is marked failed (a replay starts a new series)."""
    return int(getattr(settings, "INTEGRATIONS_WEBHOOK_MAX_ATTEMPTS", 10))


def webhook_backoff_base() -> timedelta:
    """The wait after the first failed attempt; it doubles after each further failure."""
    return timedelta(seconds=getattr(settings, "INTEGRATIONS_WEBHOOK_BACKOFF_BASE_SECONDS", 30))


def webhook_backoff_cap() -> timedelta:
    """The longest wait between two attempts."""
    return timedelta(seconds=getattr(settings, "INTEGRATIONS_WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600))

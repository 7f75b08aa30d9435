"""Requests per key: over the rate, 429 with Retry-After; each key has its own count."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from apps.integrations.models import ApiKey
from apps.integrations.scopes import Scope
from apps.integrations.throttling import ApiKeyRateThrottle
from tests.integrations.conftest import issue, key_client


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "3/minute",
        },
    }


@pytest.mark.django_db
def test_the_fourth_request_in_a_minute_waits_and_is_told_how_long(crm, frozen, three_a_minute):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    client = key_client(plain)
    assert [client.get("/scoped").status_code for _ in range(3)] == [200, 200, 200]
    frozen.advance(seconds=20)
    refused = client.get("/scoped")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    assert set(refused.json()) == {"message", "extra"}
    frozen.advance(seconds=39)
    assert client.get("/scoped").status_code == 429
    frozen.advance(seconds=1)
    assert client.get("/scoped").status_code == 200


@pytest.mark.django_db
def test_each_key_counts_apart(crm, frozen, three_a_minute):
    _one, first = issue(crm, Scope.TICKETS_READ)
    _two, second = issue(crm, Scope.TICKETS_READ)
    for _ in range(3):
        key_client(first).get("/scoped")
    assert key_client(first).get("/scoped").status_code == 429
    assert key_client(second).get("/scoped").status_code == 200


@pytest.mark.django_db
def test_with_the_cache_down_requests_go_through_uncounted(crm, frozen, three_a_minute, settings):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    settings.CACHES = {  # a Redis nobody listens on
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    client = key_client(plain)

    assert [client.get("/scoped").status_code for _ in range(4)] == [200, 200, 200, 200]


def test_concurrent_requests_are_counted_exactly(settings):
    """Counted atomically in Redis: racing requests cannot each see the same free slot."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "10/minute",
        },
    }
    key = ApiKey(prefix=f"chk_test_{secrets.token_hex(4).upper()}")

    def request_once(_number: int) -> bool:
        return ApiKeyRateThrottle().allow_request(SimpleNamespace(auth=key), None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(request_once, range(40)))

    assert answers.count(True) == 10


@pytest.mark.django_db
def test_without_redis_the_cache_still_counts(crm, frozen, three_a_minute, settings):
    """The embedded default has no Redis: DRF's list in the configured cache does the counting."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _key, plain = issue(crm, Scope.TICKETS_READ)
    client = key_client(plain)
    assert [client.get("/scoped").status_code for _ in range(3)] == [200, 200, 200]
    frozen.advance(seconds=15)
    refused = client.get("/scoped")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "45"

"""Requests per key: over the rate, 429 with Retry-After; each key has its own count."""

import pytest

from apps.integrations.scopes import Scope
from tests.integrations.conftest import issue, key_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "3/minute",
        },
    }


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


def test_each_key_counts_apart(crm, frozen, three_a_minute):
    _one, first = issue(crm, Scope.TICKETS_READ)
    _two, second = issue(crm, Scope.TICKETS_READ)
    for _ in range(3):
        key_client(first).get("/scoped")
    assert key_client(first).get("/scoped").status_code == 429
    assert key_client(second).get("/scoped").status_code == 200


def test_with_the_cache_down_requests_go_through_uncounted(crm, frozen, three_a_minute, settings):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    settings.CACHES = {  # a Redis nobody listens on
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    client = key_client(plain)

    assert [client.get("/scoped").status_code for _ in range(4)] == [200, 200, 200, 200]

"""Liveness answers without dependencies; readiness names each dependency and fails with any."""

import pytest

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


def test_liveness_answers_ok_and_healthz_is_its_alias(client):
    for url in ("/health/live", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_readiness_is_200_when_database_cache_and_broker_answer(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "cache": True, "broker": True,
    }


def test_readiness_is_503_naming_the_checks_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
    }
    settings.CELERY_BROKER_URL = CLOSED
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "cache": False, "broker": False,
    }
    assert "127.0.0.1" not in response.content.decode()  # the reasons go to the log, not the body


def test_readiness_fails_on_the_broker_alone(client, settings):
    settings.CELERY_BROKER_URL = CLOSED
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is True
    assert response.json()["checks"]["broker"]["ok"] is False


def test_probes_are_read_only(client):
    for url in ("/health/live", "/health/ready", "/metrics"):
        assert client.post(url).status_code == 405

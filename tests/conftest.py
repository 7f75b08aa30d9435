"""Fixtures shared by the whole suite. The database is PostgreSQL, with the default policy loaded."""

import pytest
from django.core.cache import cache

from apps.policy.models import ComplaintType, Platform, PolicySettings, Stage


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Keep uploaded evidence of each test in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    yield
    cache.clear()


@pytest.fixture
def policy(db) -> PolicySettings:
    return PolicySettings.objects.get()


@pytest.fixture
def wechat(db) -> Platform:
    return Platform.objects.get(code="wechat")


@pytest.fixture
def infringement(db) -> ComplaintType:
    return ComplaintType.objects.get(code="infringement")


@pytest.fixture
def preliminary_review(db) -> Stage:
    return Stage.objects.get(code="preliminary_review")

"""Fixtures shared by the whole suite. The database is PostgreSQL, with the default policy loaded."""

import pytest
from django.core.cache import cache
from django.utils import translation

from apps.policy.models import ComplaintType, Platform, PolicySettings, Stage


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Keep uploaded evidence of each test in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Start every test in the site's default language: no request's language leaks into the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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

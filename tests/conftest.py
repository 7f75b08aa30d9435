"""Fixtures shared by the whole suite. The database is PostgreSQL, with the default policy loaded.

`CHEHUI_TEST_CLOCK` runs the whole suite as if it were another hour (`03:00`, `20:59`: today at that
time in Shanghai) or another moment (`2026-12-05T23:30:00+08:00`), the clock still ticking, so that
no test can pass only at the hour it happens to run: `CHEHUI_TEST_CLOCK=20:59 make pytest`.
"""

import os
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from apps.policy.models import ComplaintType, Platform, PolicySettings, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def clock_start_from_env(value: str, *, today: datetime | None = None) -> datetime:
    """Read `CHEHUI_TEST_CLOCK`: an ISO moment, or HH:MM meaning that time today in Shanghai."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        wall = time.fromisoformat(value)
        day = (today or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()
        return datetime.combine(day, wall, tzinfo=SHANGHAI)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def pytest_configure(config):
    value = os.environ.get("CHEHUI_TEST_CLOCK")
    if not value:
        return
    import time_machine

    start = clock_start_from_env(value)
    config._chehui_clock = time_machine.travel(start, tick=True)
    config._chehui_clock.start()
    print(f"CHEHUI_TEST_CLOCK: the suite runs from {start.isoformat()}")


def pytest_unconfigure(config):
    traveller = getattr(config, "_chehui_clock", None)
    if traveller is not None:
        traveller.stop()


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

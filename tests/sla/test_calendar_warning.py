"""Those the admin admits are warned there while next year's holiday calendar is unknown."""

from datetime import UTC, datetime

import pytest

from apps.policy.models import CalendarYear
from tests.admin.conftest import logged_in, staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_2026(monkeypatch):
    monkeypatch.setattr("apps.core.clock.now", lambda: datetime(2026, 11, 24, 4, 0, tzinfo=UTC))


def test_the_admin_warns_that_2027_is_missing(late_2026):
    page = logged_in(staff_in("supervisor")).get("/admin/")
    assert 'data-testid="calendar-warning"' in page.text
    assert "2027" in page.text


def test_the_warning_speaks_chinese_by_default(late_2026):
    client = logged_in(staff_in("supervisor"))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "2027 年的官方节假日安排尚未公布" in page.text


def test_the_warning_goes_once_the_year_is_entered(late_2026):
    CalendarYear.objects.create(year=2027, schedule_complete=True, note="国务院办公厅通知")
    page = logged_in(staff_in("supervisor")).get("/admin/")
    assert 'data-testid="calendar-warning"' not in page.text


def test_in_mid_2025_both_years_are_known_and_nothing_is_missing(monkeypatch):
    monkeypatch.setattr("apps.core.clock.now", lambda: datetime(2025, 6, 1, tzinfo=UTC))
    page = logged_in(staff_in("supervisor")).get("/admin/")
    assert 'data-testid="calendar-warning"' not in page.text


def test_staff_pages_still_open_with_the_cache_down(monkeypatch, settings):
    monkeypatch.setattr("apps.core.clock.now", lambda: datetime(2026, 11, 24, 4, 0, tzinfo=UTC))
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
        }
    }

    page = logged_in(staff_in("supervisor")).get("/admin/")

    assert page.status_code == 200
    assert "2027" in page.content.decode()


def test_staff_the_admin_refuses_are_not_shown_its_warning(late_2026):
    page = logged_in(staff_in("agent")).get("/admin/login/")
    assert page.status_code == 200
    assert "2027" not in page.content.decode()

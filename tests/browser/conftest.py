"""Browser tests: Playwright drives Debian's Chromium (no browser download) against a live server.

Screenshots go to var/screenshots/ (ignored by git) so a person can look at them after a run.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.casework.conftest import now  # noqa: F401  (the domain clock fixture, for these tests too)

CHROMIUM = os.environ.get("CHEHUI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# plain synchronous calls between browser steps, so Django's async guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(transactional_db) -> Iterator[object]:
    """A fresh Chromium per test. Playwright runs an event loop in this thread; stopping it at the
    end of each test gives the thread back its own database connection state (Django keeps its
    connections per context, and Playwright's loop switches contexts)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        _pages_share_the_test_clock(browser)
        yield browser
        browser.close()
        # Connections the test's ORM calls opened while Playwright's loop held another context:
        # closed here, in that context, so none outlives the test (the test database's teardown
        # found one still open at the end of the run).
        connections.close_all()


def _pages_share_the_test_clock(browser) -> None:
    """Start every page's Date at the server's domain clock: a test that freezes it (the `now`
    fixture) or moves it (CHEHUI_TEST_CLOCK) shows countdowns from the same moment the server
    drew the page at, as a real browser and server agree."""
    from apps.core import clock

    new_context = browser.new_context

    def new_context_on_test_clock(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.clock.set_system_time(clock.now())
        return context

    browser.new_context = new_context_on_test_clock


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def force_login(context, live_server, user) -> None:
    """Sign a browser context in as `user` by setting the session cookie (no login form round trip)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )

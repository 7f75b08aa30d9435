"""The supervisor dashboard with seeded data at desktop width, in Chinese and in English."""

import pytest

from tests.browser.conftest import DESKTOP
from tests.dashboard.conftest import in_role, seed_known
from tests.intake.conftest import FrozenClock
from tests.sla.conftest import shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    """One clock for the test and the live server's thread."""
    clock = FrozenClock(shanghai("2026-11-24 10:00"))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


def _force_login(context, live_server, user) -> None:
    """Sign in without a form: set the session cookie of a test client's session."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.parametrize(
    ("language", "locale", "heading", "platform"),
    [("zh-hans", "zh-CN", "主管看板", "微信"), ("en", "en-GB", "Supervisor dashboard", "WeChat")],
    ids=["zh", "en"],
)
def test_the_dashboard_renders_with_seeded_data(
    live_server, browser, frozen, screenshot, language, locale, heading, platform
):
    from apps.accounts.roles import SUPERVISOR

    seeded = seed_known()
    supervisor = in_role(SUPERVISOR, username="lead", display_name="主管 Lead")
    context = browser.new_context(
        viewport=DESKTOP, locale=locale, extra_http_headers={"Accept-Language": language}
    )
    _force_login(context, live_server, supervisor)
    page = context.new_page()

    response = page.goto(f"{live_server.url}/dashboard/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    # Each chart is drawn for a laptop and for a phone; at this width only the laptop's shows.
    assert page.locator("svg[role=img]").count() == 16
    assert page.locator("svg[role=img]:visible").count() == 8
    assert page.locator("#open-by-platform .chart-wide svg text", has_text=platform).count() == 1
    # The breached list links to the case page of each breached ticket.
    breached = page.locator('section[aria-labelledby="h-breached"]')
    assert breached.locator(f'a[href$="/case/{seeded.tickets[2].reference}/"]').count() == 1
    screenshot(page, "desktop")
    if language == "en":
        assert page.get_by_role("heading", name=heading).count() == 1
    context.close()

"""The staff sign-in page in the workspace's branding, at desktop and phone widths, in both languages."""

import pytest

from apps.accounts.roles import AGENT
from tests.browser.conftest import SCREENSHOTS
from tests.casework.conftest import person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_member_of_staff_signs_in_on_the_branded_page(live_server, browser, screenshot, width):
    agent = person(AGENT, username="agent_signin", display_name="李静", is_staff=True)
    agent.set_password("correct horse battery staple")
    agent.save(update_fields=["password"])
    context = browser.new_context(viewport=WIDTHS[width], extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/login/?next=/workspace/")

    assert page.locator("header.ws-top .ws-brand").inner_text().strip().endswith("撤回助手工作台")
    assert page.get_by_role("heading", name="员工登录").is_visible()
    header_colour = page.locator("header.ws-top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 59, 56)"  # the workspace's header, from workspace.css
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways_scroll)
    screenshot(page, "zh")

    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Staff sign-in").is_visible()
    page.get_by_label("Username").fill("agent_signin")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".notice-bad").is_visible()
    screenshot(page, "en-error")

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/workspace/")
    assert SCREENSHOTS.exists()
    context.close()

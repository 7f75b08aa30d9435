"""On a phone, a requester finds their data page, asks for a closed ticket's erasure and sees the status."""

import pytest

from apps.privacy.models import ErasureRequest, ErasureStatus
from apps.tickets.models import TicketStatus
from tests.browser.conftest import browser, force_login, screenshot  # noqa: F401
from tests.privacy.conftest import requester_with_phone, shanghai, ticket_with_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 375, "height": 812}
WORDS = {
    "en": {"link": "My personal data", "ask": "Ask for erasure", "waiting": "waiting for a supervisor"},
    "zh-hans": {"link": "我的个人信息", "ask": "申请删除", "waiting": "等待主管审批"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_requester_asks_for_erasure_on_a_phone(live_server, browser, screenshot, language):  # noqa: F811
    requester = requester_with_phone()
    closed = ticket_with_data(requester=requester, closed_at=shanghai("2026-10-01 10:00")).ticket
    still_open = ticket_with_data(requester=requester, closed_at=shanghai("2026-11-20 10:00"),
                                  status=TicketStatus.RECEIVED).ticket
    words = WORDS[language]
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": language})
    force_login(context, live_server, requester)
    page = context.new_page()
    page.goto(f"{live_server.url}/tickets/")
    page.get_by_role("link", name=words["link"]).click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    assert page.locator(f'input[value="{still_open.reference}"]').is_disabled()
    screenshot(page, f"{language}-page")

    page.locator(f'input[value="{closed.reference}"]').check()
    page.get_by_role("button", name=words["ask"]).click()
    page.wait_for_load_state("networkidle")
    assert words["waiting"] in page.inner_text(".erasure-request")
    screenshot(page, f"{language}-asked")
    assert ErasureRequest.objects.get().status == ErasureStatus.REQUESTED
    context.close()

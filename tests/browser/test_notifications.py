"""A requester's notifications on a phone: the list from real events, mark read, choose channels."""

import pytest

from apps.accounts.roles import REQUESTER
from apps.casework.services import ticket_claim, ticket_evidence_request
from apps.conversation.models import AuthorRole
from apps.conversation.services import message_post
from apps.notifications.models import NoticePreference, RequesterNotice
from tests.browser.conftest import force_login
from tests.casework.conftest import agent_with, person, received_ticket, shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
WORDS = {
    "en": {"mark_all": "Mark all read", "sms": "Text messages", "save": "Save"},
    "zh-hans": {"mark_all": "全部标为已读", "sms": "短信", "save": "保存"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_requester_reads_their_notices_and_turns_texts_off(live_server, browser, now, screenshot, language):
    requester = person(
        REQUESTER, phone="13800138000", email="wang.fang@example.com", preferred_language=language,
        display_name="王芳",
    )
    agent = agent_with()
    now(shanghai("2026-11-24 09:45"))
    ticket = received_ticket(requester=requester)  # told: received
    now(shanghai("2026-11-24 10:00"))
    ticket_claim(ticket_id=ticket.pk, agent=agent)  # told: assigned
    message_post(ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT, body="请上传双方签署的和解协议。")
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请补充和解协议（PDF 或 Word）。")
    told = RequesterNotice.objects.filter(requester=requester).count()
    assert told == 4

    words = WORDS[language]
    context = browser.new_context(
        viewport=PHONE, locale="en-US" if language == "en" else "zh-CN",
        extra_http_headers={"Accept-Language": language},
    )
    force_login(context, live_server, requester)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/notifications/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".notices-link .badge").inner_text().strip() == str(told)
    assert ticket.reference in page.content()
    # Nothing overflows a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"list-{language}")

    page.get_by_role("button", name=words["mark_all"]).click()
    page.wait_for_load_state("networkidle")
    assert not RequesterNotice.objects.filter(requester=requester, read_at__isnull=True).exists()
    assert page.locator(".notices-link .badge").count() == 0

    page.goto(f"{live_server.url}/portal/notifications/channels/")
    assert "138****8000" in page.content()
    page.get_by_label(words["sms"]).uncheck()
    screenshot(page, f"channels-{language}")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_load_state("networkidle")
    preference = NoticePreference.objects.get(requester=requester)
    assert (preference.sms, preference.email) == (False, True)
    context.close()

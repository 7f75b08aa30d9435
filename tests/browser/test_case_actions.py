"""The case page's actions in Chromium, at desktop (1280 px) and phone (390 px) widths: a disabled
approval says why, refusing asks in a dialog first, revealing the phone asks for a reason."""

import pytest

from apps.accounts.roles import REQUESTER
from apps.casework.services import ticket_claim
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from tests.browser.conftest import force_login
from tests.casework.conftest import agent_with, person, received_ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE = "13812345678"


def _held_ticket():
    agent = agent_with()
    requester = person(REQUESTER, phone=PHONE, display_name="张伟")
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    return agent, ticket


def _open(browser, live_server, user, ticket, viewport, language):
    context = browser.new_context(viewport=viewport, extra_http_headers={"Accept-Language": language})
    force_login(context, live_server, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    return context, page


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_disabled_approval_says_why_and_refusing_asks_first(live_server, browser, now, screenshot, width):
    agent, ticket = _held_ticket()
    context, page = _open(browser, live_server, agent, ticket, WIDTHS[width], "zh-hans")

    approve = page.get_by_role("button", name="同意撤回")
    assert approve.is_disabled()
    why = page.locator("#why-approve")
    assert why.is_visible() and why.inner_text().startswith("缺少")
    assert approve.get_attribute("aria-describedby") == "why-approve"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(page, f"actions-{width}")

    page.locator("#refuse-reason").fill("投诉已处理完毕，无法撤回。")
    page.get_by_role("button", name="拒绝", exact=True).click()
    dialog = page.locator("#confirm-refuse")
    assert dialog.is_visible()
    assert ticket.reference in dialog.inner_text() and "张伟" in dialog.inner_text()
    assert page.locator("#confirm-refuse-reason").input_value() == "投诉已处理完毕，无法撤回。"
    screenshot(page, f"refuse-dialog-{width}")
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED  # not yet

    page.get_by_role("button", name="返回").click()
    assert not dialog.is_visible()
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED

    page.get_by_role("button", name="拒绝", exact=True).click()
    page.locator("#confirm-refuse-reason").fill("投诉已处理完毕，只能申请行政复议。")
    page.get_by_role("button", name="确认拒绝").click()
    page.wait_for_load_state()
    refused = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert refused.status == TicketStatus.REFUSED
    assert refused.decision_reason == "投诉已处理完毕，只能申请行政复议。"
    context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_revealing_the_phone_asks_for_a_reason_then_offers_to_call(
    live_server, browser, now, screenshot, width
):
    agent, ticket = _held_ticket()
    context, page = _open(browser, live_server, agent, ticket, WIDTHS[width], "en")

    page.get_by_text("Reveal to call").click()
    form = page.locator("#pd-requester_phone form")
    assert form.get_by_text("Why do you need it?").is_visible()
    form.get_by_role("button", name="Reveal and record").click()  # nothing chosen, nothing written
    assert page.locator("#pd-requester_phone input[name=purpose]:invalid").count() > 0
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED).exists()
    screenshot(page, f"reveal-form-{width}")

    form.get_by_label("the requester asked to be called back").check()
    form.get_by_label("Explain in a few words (recorded)").fill("Asked on the thread for a call.")
    form.get_by_role("button", name="Reveal and record").click()
    call = page.locator(f'a[href="tel:{PHONE}"]').first
    assert call.is_visible()
    screenshot(page, f"revealed-{width}")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED)
    assert event.data["purpose"] == "call_back" and event.actor_id == agent.pk
    context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_supervisor_reads_the_reveal_report(live_server, browser, now, screenshot, width):
    from apps.accounts.roles import SUPERVISOR
    from apps.casework.services import personal_data_reveal

    agent, ticket = _held_ticket()
    personal_data_reveal(
        ticket_id=ticket.pk, viewer=agent, field="requester_phone", purpose="call_requester",
        reason="核实补充材料的寄送地址。",
    )
    supervisor = person(SUPERVISOR, display_name="周敏")
    context = browser.new_context(viewport=WIDTHS[width], extra_http_headers={"Accept-Language": "zh-hans"})
    force_login(context, live_server, supervisor)
    page = context.new_page()
    page.goto(f"{live_server.url}/workspace/reveals/")
    row = page.locator("table.reveals tbody tr").first
    assert ticket.reference in row.inner_text() and "核实补充材料的寄送地址。" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    screenshot(page, f"report-{width}")
    context.close()


def test_the_actions_and_the_confirmation_speak_english(live_server, browser, now, screenshot):
    agent, ticket = _held_ticket()
    context, page = _open(browser, live_server, agent, ticket, WIDTHS[sorted(WIDTHS)[0]], "en")
    approve = page.get_by_role("button", name="Approve the withdrawal")
    assert approve.is_disabled()
    assert page.locator("#why-approve").inner_text().startswith("These documents are missing:")
    page.locator("#refuse-reason").fill("The complaint has been handled: it cannot be withdrawn.")
    page.get_by_role("button", name="Refuse", exact=True).click()
    dialog = page.locator("#confirm-refuse")
    assert dialog.is_visible() and ticket.reference in dialog.inner_text()
    screenshot(page, "refuse-dialog-en")
    page.get_by_role("button", name="Yes, refuse").click()
    page.wait_for_load_state()
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.REFUSED
    context.close()

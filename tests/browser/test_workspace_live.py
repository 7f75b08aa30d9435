"""The live workspace in Debian's Chromium: the queue learns of new tickets, agents see each other on a
case, and the queue answers the keyboard."""

import pytest

from apps.casework.services import ticket_claim
from apps.tickets.models import WithdrawalTicket
from tests.browser.conftest import DESKTOP, force_login
from tests.casework.conftest import agent_with, received_ticket, shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
POLL_MS = 400  # the pages poll every 10 s; here every 0.4 s, so the test does not wait
WAIT_MS = 8000


def _named_agent(name):
    agent = agent_with()
    agent.display_name = name
    agent.save(update_fields=["display_name"])
    return agent


def _page(browser, live_server, user, language="zh-hans"):
    context = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": language})
    context.add_init_script(f"window.chehuiLivePollMs = {POLL_MS};")
    force_login(context, live_server, user)
    return context, context.new_page()


BANNER_WORDS = {
    "zh-hans": ("有 1 张新工单", "有 1 张新工单 — 查看", "查看", "您已退出登录：请重新加载页面。"),
    "en": ("1 new ticket", "1 new ticket — show", "show", "You are signed out: reload the page."),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_ticket_shows_a_banner_without_a_reload(live_server, browser, now, screenshot, language):
    arrived_words, banner_text, show, signed_out_text = BANNER_WORDS[language]
    now(shanghai("2026-11-24 10:00"))
    agent = agent_with()
    shown = received_ticket(submitted="2026-11-24 09:45")
    context, page = _page(browser, live_server, agent, language)
    page.goto(f"{live_server.url}/workspace/?tab=unassigned")
    page.wait_for_timeout(3 * POLL_MS)
    banner = page.locator("#live-queue .live-banner")
    assert banner.inner_text() == ""
    unassigned = page.locator('.count[data-tab="unassigned"]')
    assert unassigned.inner_text() == "1"
    page.evaluate("document.body.dataset.drawn = 'once'")  # gone if the page reloads

    now(shanghai("2026-11-24 10:06"))
    arrived = received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")

    banner.get_by_text(arrived_words).wait_for(timeout=WAIT_MS)
    assert banner.inner_text() == banner_text
    assert banner.get_attribute("aria-live") == "polite"
    assert page.evaluate("document.body.dataset.drawn") == "once"  # no reload of its own
    assert page.locator(f"tr[data-reference='{arrived.reference}']").count() == 0
    page.wait_for_function(
        "document.querySelector('.count[data-tab=\"unassigned\"]').textContent === '2'", timeout=WAIT_MS
    )  # the tab's count follows without a reload
    screenshot(page, f"banner-{language}")

    banner.get_by_role("button", name=show, exact=True).click()
    page.locator(f"tr[data-reference='{arrived.reference}']").wait_for(timeout=WAIT_MS)
    assert page.locator(f"tr[data-reference='{shown.reference}']").count() == 1

    context.clear_cookies()  # the session is gone: the page stops asking and says so
    signed_out = page.locator("#live-queue .live-banner", has_text=signed_out_text)
    signed_out.wait_for(timeout=WAIT_MS)
    context.close()


def test_two_agents_on_one_case_see_each_other(live_server, browser, now, screenshot):
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket()
    li_na, wang = _named_agent("李娜"), _named_agent("王强")
    first, page_li = _page(browser, live_server, li_na)
    second, page_wang = _page(browser, live_server, wang, "en")
    url = f"{live_server.url}/workspace/case/{ticket.reference}/"
    page_li.goto(url)
    page_wang.goto(url)

    page_li.locator(".live-presence", has_text="王强 也在查看此工单").wait_for(timeout=WAIT_MS)
    page_wang.locator(".live-presence", has_text="李娜 is also viewing").wait_for(timeout=WAIT_MS)
    screenshot(page_li, "presence-zh")
    screenshot(page_wang, "presence-en")

    second.close()  # 王强 leaves: the page says so as it closes
    page_li.wait_for_function("!document.querySelector('.live-presence').textContent", timeout=WAIT_MS)
    first.close()


def test_a_change_by_someone_else_is_announced_and_the_reply_kept(live_server, browser, now, screenshot):
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket()
    context, page = _page(browser, live_server, _named_agent("李娜"), "en")
    page.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type("We are looking at it")

    ticket_claim(ticket_id=ticket.pk, agent=_named_agent("王强"))

    banner = page.locator("#live-case .live-banner")
    banner.get_by_text("This ticket changed").wait_for(timeout=WAIT_MS)
    assert page.locator("#composer-body").input_value() == "We are looking at it"
    screenshot(page, "changed-en")
    banner.get_by_role("button", name="reload to see").click()
    page.wait_for_function("document.querySelector('#assignee').textContent.includes('王强')",
                           timeout=WAIT_MS)
    assert page.locator("#composer-body").input_value() == "We are looking at it"
    context.close()


def test_the_queue_answers_the_keyboard(live_server, browser, now, screenshot):
    now(shanghai("2026-11-24 10:00"))
    agent = agent_with()
    for minute in (30, 35, 40):
        received_ticket(filed=f"2026-11-24 09:{minute}", submitted=f"2026-11-24 09:{minute + 5}")
    context, page = _page(browser, live_server, agent, "en")
    page.goto(f"{live_server.url}/workspace/?tab=unassigned")
    rows = page.locator("tr[data-id]")
    order = [rows.nth(i).get_attribute("data-reference") for i in range(rows.count())]
    assert len(order) == 3

    for key in ("j", "j", "j", "k"):
        page.keyboard.press(key)
    current = page.locator("tr.row-current")
    assert current.get_attribute("data-reference") == order[1]
    assert current.get_attribute("aria-current") == "true"
    screenshot(page, "highlight")

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    help_dialog.wait_for()
    assert "claim the ticket" in help_dialog.inner_text()
    screenshot(page, "help-en")
    page.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("j")  # typed into the search box, not a move
    assert page.locator("tr.row-current").get_attribute("data-reference") == order[1]
    page.locator("h1").click()

    page.keyboard.press("Enter")
    page.wait_for_url(f"**/workspace/case/{order[1]}/")
    context.close()


def test_c_claims_the_highlighted_ticket_or_says_why_not(live_server, browser, now, screenshot):
    now(shanghai("2026-11-24 10:00"))
    me, colleague = _named_agent("李娜"), _named_agent("王强")
    for minute in (30, 40):
        received_ticket(filed=f"2026-11-24 09:{minute}", submitted=f"2026-11-24 09:{minute + 5}")
    context, page = _page(browser, live_server, me)
    page.goto(f"{live_server.url}/workspace/?tab=unassigned")
    first, second = (page.locator("tr[data-id]").nth(i).get_attribute("data-reference") for i in (0, 1))

    page.keyboard.press("j")
    page.keyboard.press("c")
    feedback = page.locator("#live-queue .live-feedback")
    feedback.get_by_text("工单已归您处理").wait_for(timeout=WAIT_MS)
    assert page.locator(f"tr[data-reference='{first}'] [data-cell=agent]").inner_text() == "李娜"
    assert WithdrawalTicket.objects.get(reference=first).assignee == me

    ticket_claim(ticket_id=WithdrawalTicket.objects.get(reference=second).pk, agent=colleague)
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_function(
        "document.querySelector('#live-queue .live-feedback').classList.contains('live-bad')", timeout=WAIT_MS
    )
    assert feedback.inner_text().startswith(second)
    screenshot(page, "claim-refused-zh")
    assert WithdrawalTicket.objects.get(reference=second).assignee == colleague
    context.close()


def test_a_new_message_is_shown_in_place_and_the_draft_kept(live_server, browser, now, screenshot):
    from apps.conversation.models import AuthorRole
    from apps.conversation.services import message_post

    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket()
    agent = _named_agent("李娜")
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    context, page = _page(browser, live_server, agent)
    page.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    page.evaluate("document.body.dataset.drawn = 'once'")
    page.locator("#composer-body").fill("您好，我们正在核实")

    message_post(
        ticket_id=ticket.pk, author=ticket.requester, role=AuthorRole.REQUESTER, body="补充一下订单号"
    )

    notice = page.locator(".live-thread")
    notice.get_by_text("1 条新消息").wait_for(timeout=WAIT_MS)
    screenshot(page, "new-message-zh")
    notice.get_by_role("button", name="查看").click()
    page.locator(".thread", has_text="补充一下订单号").wait_for(timeout=WAIT_MS)
    assert notice.inner_text() == ""
    assert page.locator("#composer-body").input_value() == "您好，我们正在核实"
    assert page.evaluate("document.body.dataset.drawn") == "once"  # drawn in place, no reload
    context.close()

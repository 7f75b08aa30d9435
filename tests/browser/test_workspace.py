"""Agents and supervisors in the workspace, in Debian's Chromium at desktop width."""

import re

import pytest

from apps.accounts.roles import SUPERVISOR
from apps.casework.models import ReplyTemplate
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.browser.conftest import DESKTOP, force_login
from tests.casework.conftest import agent_with, person, received_ticket
from tests.workspace.test_case_page import provide_required_documents

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _named_agent(name):
    agent = agent_with()
    agent.display_name = name
    agent.save(update_fields=["display_name"])
    return agent


def _page(browser, live_server, user, language="zh-hans"):
    context = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": language})
    force_login(context, live_server, user)
    return context, context.new_page()


def test_an_agent_works_a_ticket_from_claim_to_approval(live_server, browser, now, screenshot):
    agent = agent_with(email="agent@example.com")
    ticket = received_ticket()
    context, page = _page(browser, live_server, agent, "en")
    page.goto(f"{live_server.url}/workspace/?tab=unassigned")
    screenshot(page, "queue-en")
    page.get_by_role("link", name=ticket.reference).click()
    page.get_by_role("button", name="Claim this ticket").click()
    page.get_by_label("Log a contact").select_option("phone")
    page.get_by_role("button", name="Log contact").click()
    provide_required_documents(WithdrawalTicket.objects.get(pk=ticket.pk))
    page.reload()
    screenshot(page, "case-en")
    page.get_by_role("button", name="Approve the withdrawal").click()

    assert "Approved" in page.locator(".flash").inner_text()
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.APPROVED
    context.close()


def test_a_refusal_with_a_reply_template(live_server, browser, now, screenshot):
    agent = agent_with()
    ticket = received_ticket()
    template = ReplyTemplate.objects.filter(active=True).order_by("order").first()
    context, page = _page(browser, live_server, agent)
    page.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    page.get_by_role("button", name="认领此工单").click()
    page.locator("select[name=template]").select_option(str(template.pk))
    screenshot(page, "case-zh")
    page.get_by_role("button", name="拒绝", exact=True).click()
    page.get_by_role("button", name="确认拒绝").click()  # refusing cannot be undone: the dialog asks

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REFUSED
    assert ticket.decision_reason == template.body
    context.close()


def test_two_agents_deciding_one_ticket_at_once(live_server, browser, now, screenshot):
    supervisor = person(SUPERVISOR, display_name="周敏")
    ticket = received_ticket()
    agent = _named_agent("李静")
    from apps.casework.services import ticket_claim

    ticket_claim(ticket_id=ticket.pk, agent=agent)
    first, page_one = _page(browser, live_server, agent, "en")
    second, page_two = _page(browser, live_server, supervisor, "en")
    url = f"{live_server.url}/workspace/case/{ticket.reference}/"
    page_one.goto(url)
    page_two.goto(url)
    page_one.locator("textarea[name=reason]").fill("Duplicate of an earlier request.")
    page_two.locator("textarea[name=reason]").fill("A long reason the supervisor typed with care.")

    page_one.get_by_role("button", name="Refuse", exact=True).click()
    page_one.get_by_role("button", name="Yes, refuse").click()
    page_two.get_by_role("button", name="Refuse", exact=True).click()
    page_two.get_by_role("button", name="Yes, refuse").click()

    assert page_two.locator("#stale").is_visible()
    assert "refused" in page_two.locator("#stale").inner_text().lower()
    assert page_two.locator("#kept").input_value() == "A long reason the supervisor typed with care."
    screenshot(page_two, "stale")
    assert WithdrawalTicket.objects.get(pk=ticket.pk).decision_reason == "Duplicate of an earlier request."
    first.close()
    second.close()


def test_a_supervisor_reassigns_in_bulk(live_server, browser, now, screenshot):
    supervisor = person(SUPERVISOR)
    first = _named_agent("王芳")
    second = _named_agent("赵磊")
    tickets = [received_ticket() for _ in range(3)]
    from apps.casework.services import tickets_assign_bulk

    tickets_assign_bulk(ticket_ids=[t.pk for t in tickets], agent=first, actor=supervisor)
    context, page = _page(browser, live_server, supervisor)
    page.goto(f"{live_server.url}/workspace/?tab=all")
    for ticket in tickets[:2]:
        page.get_by_label(ticket.reference).check()
    page.locator("select[name=agent]").select_option(str(second.pk))
    screenshot(page, "bulk-zh")
    page.get_by_role("button", name=re.compile("^分配$")).click()

    owners = {t.pk: WithdrawalTicket.objects.get(pk=t.pk).assignee_id for t in tickets}
    assert owners == {tickets[0].pk: second.pk, tickets[1].pk: second.pk, tickets[2].pk: first.pk}
    context.close()

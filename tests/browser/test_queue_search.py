"""The queue as a supervisor works it: counts on the tabs, select all, search, sort and a saved view."""

import pytest

from apps.accounts.roles import SUPERVISOR
from tests.browser.conftest import DESKTOP, force_login
from tests.casework.conftest import person, received_ticket
from tests.factories import RequesterFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_supervisor_selects_searches_sorts_and_saves_a_view(live_server, browser, now, screenshot):
    supervisor = person(SUPERVISOR, display_name="周敏")
    tickets = [
        received_ticket(filed=f"2026-11-24 0{hour}:00", submitted="2026-11-24 09:50") for hour in range(4, 10)
    ]
    wanted = received_ticket(requester=RequesterFactory(display_name="陈晓东", phone="13800004321"))
    context = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": "zh-hans"})
    force_login(context, live_server, supervisor)
    page = context.new_page()
    page.goto(f"{live_server.url}/workspace/?tab=all")
    assert page.locator("nav.tabs a[aria-current=page] .count").inner_text() == str(len(tickets) + 1)

    page.locator("[data-select-all]").check()
    assert page.locator("tbody input[name=ticket]:checked").count() == len(tickets) + 1
    page.locator("tbody input[name=ticket]").first.uncheck()
    assert page.locator("[data-select-all]").evaluate("box => box.indeterminate")
    screenshot(page, "queue-select-all-zh")

    page.get_by_role("link", name="处理结论截止").click()
    assert page.locator("th[aria-sort=ascending]").count() == 1

    page.get_by_role("searchbox").fill("4321")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("tbody tr[data-reference]").count() == 1
    assert page.locator(f'tr[data-reference="{wanted.reference}"]').count() == 1
    assert "陈晓东" not in page.locator(".search-results").inner_text()  # the term, not the match, is echoed
    screenshot(page, "queue-search-zh")

    page.locator(".save-view summary").click()
    page.get_by_label("名称").fill("尾号 4321")
    page.get_by_role("button", name="保存", exact=True).click()
    assert page.get_by_role("link", name="尾号 4321").count() == 1
    screenshot(page, "queue-saved-view-zh")
    context.close()

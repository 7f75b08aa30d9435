"""The queue as a supervisor works it: counts on the tabs, select all, search, sort and a saved view."""

import pytest

from apps.accounts.roles import SUPERVISOR
from tests.browser.conftest import DESKTOP, PHONE, force_login
from tests.casework.conftest import person, received_ticket
from tests.factories import RequesterFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


# What the test clicks, in each language of the workspace.
LABELS = {
    "zh-hans": {
        "decision due": "处理结论截止", "filter": "筛选", "name": "名称", "save": "保存", "view": "尾号 4321",
    },
    "en": {
        "decision due": "Decision due", "filter": "Filter", "name": "Name", "save": "Save",
        "view": "ends 4321",
    },
}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize(("language", "size"), [("zh-hans", "desktop"), ("en", "desktop"), ("en", "phone")])
def test_a_supervisor_selects_searches_sorts_and_saves_a_view(
    live_server, browser, now, screenshot, language, size
):
    words = LABELS[language]
    supervisor = person(SUPERVISOR, display_name="周敏")
    tickets = [
        received_ticket(filed=f"2026-11-24 0{hour}:00", submitted="2026-11-24 09:50") for hour in range(4, 10)
    ]
    wanted = received_ticket(requester=RequesterFactory(display_name="陈晓东", phone="13800004321"))
    context = browser.new_context(viewport=SIZES[size], extra_http_headers={"Accept-Language": language})
    force_login(context, live_server, supervisor)
    page = context.new_page()
    page.goto(f"{live_server.url}/workspace/?tab=all")
    assert page.locator("nav.tabs a[aria-current=page] .count").inner_text() == str(len(tickets) + 1)

    page.locator("[data-select-all]").check()
    assert page.locator("tbody input[name=ticket]:checked").count() == len(tickets) + 1
    page.locator("tbody input[name=ticket]").first.uncheck()
    assert page.locator("[data-select-all]").evaluate("box => box.indeterminate")
    screenshot(page, "queue-select-all")

    page.get_by_role("link", name=words["decision due"]).click()
    assert page.locator("th[aria-sort=ascending]").count() == 1

    page.get_by_role("searchbox").fill("4321")
    page.get_by_role("button", name=words["filter"]).click()
    assert page.locator("tbody tr[data-reference]").count() == 1
    assert page.locator(f'tr[data-reference="{wanted.reference}"]').count() == 1
    assert "陈晓东" not in page.locator(".search-results").inner_text()  # the term, not the match, is echoed
    screenshot(page, "queue-search")

    page.locator(".save-view summary").click()
    page.get_by_label(words["name"], exact=True).fill(words["view"])
    page.get_by_role("button", name=words["save"], exact=True).click()
    assert page.get_by_role("link", name=words["view"]).count() == 1
    screenshot(page, "queue-saved-view")
    context.close()

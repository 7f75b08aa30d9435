"""The live deadline: a running one counts down in the page's words and turns overdue; a paused one stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.browser.conftest import DESKTOP, force_login
from tests.casework.conftest import received_ticket
from tests.factories import RequesterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("language", "overdue", "paused"), [
    ("zh-hans", "已超时 不到 1 分钟", "已暂停，剩余 2 天 3 小时"),
    ("en", "Overdue by under a minute", "Paused, 2 d 3 h left"),
])
def test_a_running_deadline_passes_live_and_a_paused_one_never_ticks(
    live_server, browser, screenshot, language, overdue, paused
):
    requester = RequesterFactory(preferred_language=language)
    moment = timezone.now()
    running = received_ticket(requester=requester)
    WithdrawalTicket.objects.filter(pk=running.pk).update(decision_due_at=moment + timedelta(minutes=3))
    waiting = received_ticket(requester=requester)
    WithdrawalTicket.objects.filter(pk=waiting.pk).update(
        status=TicketStatus.WAITING_ON_REQUESTER, waiting_since=moment - timedelta(days=3),
        decision_due_at=moment - timedelta(days=3) + timedelta(days=2, hours=3, seconds=30),
    )
    context = browser.new_context(viewport=DESKTOP, locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    force_login(context, live_server, requester)
    context.clock.install(time=moment)  # the page's Date runs from the server's moment, on our command
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/tickets/")

    live = page.locator(f'[data-reference="{running.reference}"] time.deadline')
    still = page.locator(f'[data-reference="{waiting.reference}"] time.deadline')
    assert live.get_attribute("data-deadline") == "running"
    assert live.inner_text() in ("剩余 2 分钟", "2 min left", "剩余 3 分钟", "3 min left")
    assert still.inner_text() == paused
    page.clock.run_for("03:05")  # past the moment, every second's tick run
    page.wait_for_function(
        "el => el.dataset.deadline === 'missed'", arg=live.element_handle(), timeout=5_000
    )
    assert live.inner_text() == overdue
    assert "badge-bad" in (live.get_attribute("class") or "")
    assert still.inner_text() == paused and still.get_attribute("data-deadline") == "paused"
    assert errors == []
    screenshot(page, "after")
    context.close()

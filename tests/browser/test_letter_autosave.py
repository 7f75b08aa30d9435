"""The letter draft saves itself while a requester types on a phone, survives a reload, and says so."""

import pytest
from django.core.cache import cache

from apps.tickets.models import Letter
from tests.browser.conftest import force_login
from tests.factories import DraftFactory, RequesterFactory
from tests.intake.conftest import FrozenClock
from tests.sla.conftest import shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {"width": 390, "height": 844}
BODY = "问题陈述：本人于2026年11月24日 07:58对某某数码专营店提交了投诉。现申请撤回这次投诉。"


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    """One clock for the test and the live server's thread."""
    clock = FrozenClock(shanghai("2026-11-24 18:22"))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


def test_a_typed_letter_autosaves_and_is_there_after_a_reload(live_server, browser, frozen, screenshot):
    cache.clear()  # the newest save's number per ticket lives there
    requester = RequesterFactory()
    draft = DraftFactory(requester=requester, identity_verified_at=frozen.at,
                         complaint__filed_at=shanghai("2026-11-24 07:58"))
    context = browser.new_context(
        viewport=PHONE_390, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"}
    )
    force_login(context, live_server, requester)
    page = context.new_page()
    page.goto(f"{live_server.url}/withdraw/{draft.reference}/letter/")
    status = page.locator("#autosave-status")
    assert status.inner_text() == "您输入的内容会自动保存。"

    page.locator("#id_body").press_sequentially(BODY, delay=5)
    page.wait_for_function(
        "document.querySelector('#autosave-status').innerText.includes('已自动保存')", timeout=10_000
    )

    assert status.inner_text() == "已自动保存 18:22"
    assert Letter.objects.get(ticket=draft).body == BODY
    # The coach explains the ticket number and shows it to copy, in plain words.
    findings = page.locator("#coach-findings")
    assert f"工单编号：{draft.reference}" in findings.inner_text()
    assert "平台记录的时间是：" in findings.inner_text() and "2026-11-24 07:58" in findings.inner_text()
    screenshot(page, "saved")

    # Offline, the save fails and says so; back online, it tries again by itself.
    context.set_offline(True)
    page.locator("#id_body").press_sequentially("补偿 500 元。", delay=5)
    page.wait_for_function("document.querySelector('#autosave-status').innerText === '保存失败，请检查网络'")
    screenshot(page, "offline")
    context.set_offline(False)
    page.wait_for_function(
        "document.querySelector('#autosave-status').innerText.includes('已自动保存')", timeout=15_000
    )
    assert Letter.objects.get(ticket=draft).body == BODY + "补偿 500 元。"

    page.reload()
    assert page.locator("#id_body").input_value() == BODY + "补偿 500 元。"
    assert status.inner_text().startswith("已自动保存 ")  # the time the letter was last written
    screenshot(page, "reloaded")
    context.close()


ENGLISH_BODY = "Problem: on 24 November 2026 at 07:58 I filed a complaint. I now ask to withdraw it."


def test_the_autosave_speaks_english_too(live_server, browser, frozen, screenshot):
    cache.clear()
    requester = RequesterFactory()
    draft = DraftFactory(requester=requester, identity_verified_at=frozen.at,
                         complaint__filed_at=shanghai("2026-11-24 07:58"))
    context = browser.new_context(
        viewport=PHONE_390, locale="en-GB", extra_http_headers={"Accept-Language": "en"}
    )
    force_login(context, live_server, requester)
    page = context.new_page()
    page.goto(f"{live_server.url}/withdraw/{draft.reference}/letter/")
    status = page.locator("#autosave-status")
    assert status.inner_text() == "Your letter is saved automatically as you type."

    page.locator("#id_body").press_sequentially(ENGLISH_BODY, delay=5)
    page.wait_for_function(
        "document.querySelector('#autosave-status').innerText.startsWith('Saved')", timeout=10_000
    )
    assert status.inner_text() == "Saved 18:22"
    context.set_offline(True)
    page.locator("#id_body").press_sequentially(" Thank you.", delay=5)
    page.wait_for_function(
        "document.querySelector('#autosave-status').innerText === 'Not saved: check your connection'"
    )
    screenshot(page, "offline-en")
    context.set_offline(False)
    page.wait_for_function(
        "document.querySelector('#autosave-status').innerText.startsWith('Saved')", timeout=15_000
    )
    page.reload()
    assert page.locator("#id_body").input_value() == ENGLISH_BODY + " Thank you."
    context.close()

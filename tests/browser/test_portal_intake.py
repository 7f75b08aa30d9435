"""A requester's whole intake on a 375 px phone, in Chinese, driven in Debian's Chromium."""

import logging
import re
from datetime import timedelta

import pytest

from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.browser.conftest import DESKTOP, PHONE
from tests.evidence import files
from tests.factories import ComplaintFactory, RequesterFactory, TicketFactory
from tests.intake.conftest import FrozenClock
from tests.sla.conftest import shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    """One clock for the test and the live server's thread."""
    clock = FrozenClock(shanghai("2026-11-24 21:30"))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


def _codes(caplog, attribute: str) -> list[str]:
    return [getattr(r, attribute) for r in caplog.records if hasattr(r, attribute)]


def _sign_in(page, base: str, phone: str, caplog) -> None:
    page.goto(f"{base}/account/sign-in/")
    page.locator("input[name=phone]").fill(phone)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    match = re.search(r"\b(\d{6})\b", [r.getMessage() for r in caplog.records if r.name == "chehui.sms"][-1])
    assert match, "the development SMS provider logs the code"
    page.locator("input[name=code]").fill(match.group(1))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/tickets/$"))


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_requester_completes_all_five_steps_in_chinese_on_a_phone(
    live_server, browser, frozen, caplog, tmp_path, screenshot
):
    caplog.set_level(logging.INFO)
    requester = RequesterFactory(phone="13912345678")
    complaint = ComplaintFactory(complainant=requester, filed_at=shanghai("2026-11-24 19:40"))
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"}
    )
    page = context.new_page()
    base = live_server.url

    _sign_in(page, base, "139 1234 5678", caplog)
    page.goto(f"{base}/withdraw/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "1-platform")

    # 1. Platform and category
    page.get_by_label("微信").check()
    page.get_by_label(re.compile("侵权")).first.check()
    page.get_by_role("button", name="下一步：投诉编号").click()

    # 2. The complaint number: an order number is named as one, then the real number passes
    page.locator("input[name=number]").fill("2026112412345678901")
    page.get_by_role("button", name="核对编号").click()
    assert "订单号" in page.locator(".errorlist").inner_text()
    screenshot(page, "2-complaint-number-refused")
    page.locator("input[name=number]").fill(complaint.number)
    page.get_by_role("button", name="核对编号").click()

    # 3. Identity: face recognition, then an SMS code
    page.get_by_role("button", name="开始人脸识别").click()
    page.get_by_role("button", name="获取验证码").click()
    page.locator("input[name=code]").fill(_codes(caplog, "sms_code")[-1])
    screenshot(page, "3-identity")
    page.get_by_role("button", name="核对验证码").click()

    # 4. The letter, with the coach's advice as it is typed, and two pieces of evidence
    page.wait_for_url(re.compile(r"/letter/$"))
    page.locator("input[name=complaint_time]").fill("2026-11-24T19:40")
    page.locator("textarea[name=reason]").fill("已与对方协商一致")
    page.locator("textarea[name=body]").fill("我不小心投诉了对方。")
    page.wait_for_function("document.querySelector('#coach-findings').innerText.includes('不小心')")
    assert "不小心" in page.locator("#coach-findings").inner_text()
    page.get_by_role("button", name="保存草稿").click()
    for name, data, tier in (
        ("和解协议.pdf", files.pdf_bytes("和解协议"), "核心层"),
        ("截图.docx", files.docx_with_png(), "基础层"),
    ):
        page.locator("input[name=file]").set_input_files(_write(tmp_path / name, data))
        page.get_by_label(tier).check()
        page.get_by_role("button", name="上传").click()
        assert name in page.locator("#evidence").inner_text()
    screenshot(page, "4-letter-and-evidence")
    page.get_by_role("button", name="下一步：检查并提交").click()
    page.wait_for_url(re.compile(r"/submit/$"))

    # 5. Submitted at 22:00: received at 09:00 the next morning
    frozen.set("2026-11-24 22:00")
    page.reload()
    assert "2026-11-25 09:00" in page.content()
    page.get_by_role("button", name="提交撤回申请").click()
    note = page.locator("#receipt-note").inner_text()
    assert "2026-11-25 09:00" in note
    screenshot(page, "5-submitted")

    ticket = WithdrawalTicket.objects.get(requester=requester)
    assert ticket.status == TicketStatus.SUBMITTED
    assert ticket.reference in page.content()
    assert ticket.evidence_files.count() == 2
    context.close()


def test_bad_files_are_refused_each_with_its_message(live_server, browser, frozen, tmp_path, screenshot):
    requester = RequesterFactory()
    draft = TicketFactory(
        requester=requester, status=TicketStatus.DRAFT, submitted_at=None, received_at=None,
        entry_completed_at=frozen.at, complaint_number_completed_at=frozen.at, identity_verified_at=frozen.at,
        complaint__filed_at=frozen.at - timedelta(hours=1),
    )
    context = browser.new_context(
        viewport=PHONE, locale="en-US", extra_http_headers={"Accept-Language": "en"}
    )
    _force_login(context, live_server, requester)
    page = context.new_page()
    page.goto(f"{live_server.url}/withdraw/{draft.reference}/letter/")

    too_big = files.pdf_of_size(20 * 1024 * 1024 + 1)
    for name, data, expected in (
        ("invoice.pdf", files.pe_executable(), "program"),
        ("photo.png", files.png_bytes(), "Word"),
        ("big.pdf", too_big, "20"),
    ):
        page.locator("input[name=file]").set_input_files(_write(tmp_path / name, data))
        page.get_by_label("Base", exact=True).check()
        page.get_by_role("button", name="Upload").click()
        message = page.locator("#evidence .errorlist").inner_text()
        assert expected.lower() in message.lower(), message
        screenshot(page, f"refused-{name}")
    assert draft.evidence_files.count() == 0
    context.close()


def test_a_requester_cannot_open_anothers_ticket_or_file(live_server, browser, frozen, screenshot):
    from apps.evidence.services import evidence_upload
    from tests.factories import tier

    owner, stranger = RequesterFactory(), RequesterFactory()
    ticket = TicketFactory(requester=owner)
    from django.core.files.base import ContentFile

    evidence = evidence_upload(
        ticket=ticket, uploaded_by=owner, file=ContentFile(files.pdf_bytes(), name="a.pdf"),
        original_name="a.pdf", tier=tier("base"),
    )
    context = browser.new_context(viewport=DESKTOP)
    _force_login(context, live_server, stranger)
    page = context.new_page()

    assert page.goto(f"{live_server.url}/tickets/{ticket.reference}/").status == 404
    assert page.goto(f"{live_server.url}/evidence/{evidence.pk}/").status == 404
    context.close()


def _force_login(context, live_server, user) -> None:
    """Sign in without the SMS round trip (the first test goes through it): set the session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


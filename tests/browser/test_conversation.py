"""The conversation in Debian's Chromium: a requester on a phone, an agent at a desk, one thread."""

import io
import re

import pytest
from django.utils import timezone

from apps.accounts.roles import REQUESTER
from apps.casework.services import ticket_claim, ticket_contact_log, ticket_evidence_request
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.conversation.services import Upload, message_post, note_post
from apps.outbound.models import OutboundMessage
from apps.policy.models import EvidenceTier
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.browser.conftest import force_login
from tests.casework.conftest import agent_with, person, received_ticket, shanghai
from tests.evidence import files

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _open(browser, live_server, user, *, viewport, language):
    context = browser.new_context(
        viewport=viewport, locale="en-US" if language == "en" else "zh-CN",
        extra_http_headers={"Accept-Language": language},
    )
    force_login(context, live_server, user)
    return context, context.new_page()


def _people(display_name="李静"):
    requester = person(REQUESTER, phone="13800138000", preferred_language="zh-hans", display_name="王芳")
    agent = agent_with()
    agent.display_name = display_name
    agent.save(update_fields=["display_name"])
    return requester, agent


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_requester_and_an_agent_talk_and_a_docx_becomes_evidence(live_server, browser, now, tmp_path,
                                                                   screenshot):
    requester, agent = _people()
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    portal_url = f"{live_server.url}/tickets/{ticket.reference}/"
    case_url = f"{live_server.url}/workspace/case/{ticket.reference}/"

    # The requester writes from a phone, with a Word document attached.
    now(shanghai("2026-11-24 10:20"))
    phone, portal = _open(browser, live_server, requester, viewport=PHONE, language="en")
    portal.goto(portal_url)
    portal.get_by_label("Write to customer service").fill("Here is the signed settlement agreement.")
    document = _write(tmp_path / "settlement.docx", files.docx_with_png())
    portal.locator("#message-files").set_input_files(document)
    portal.get_by_role("button", name="Send", exact=True).click()
    portal.wait_for_url(re.compile(r"#composer$"))
    assert "Here is the signed settlement agreement." in portal.locator(".bubble.from-me").last.inner_text()
    assert "settlement.docx" in portal.locator(".bubble.from-me").last.inner_text()

    # The agent reads it on the case page, answers, and files the document as core evidence.
    now(shanghai("2026-11-24 10:40"))
    desk, case = _open(browser, live_server, agent, viewport=DESKTOP, language="en")
    case.goto(case_url)
    message = case.locator(".entry-message.from-requester").last
    assert "Here is the signed settlement agreement." in message.inner_text()
    case.locator("#composer-body").fill("Thank you, we have it.\nWe will check it today.")
    case.get_by_role("button", name="Send to the requester").click()
    case.wait_for_url(re.compile(r"#thread$"))
    attachment = Attachment.objects.get(ticket=ticket)
    core = EvidenceTier.objects.get(code="core")
    case.locator(f"#tier-{attachment.pk}").select_option(str(core.pk))
    case.locator(f"#tier-{attachment.pk}").locator("xpath=ancestor::form").get_by_role("button").click()
    case.wait_for_url(re.compile(r"#evidence$"))
    assert "settlement.docx" in case.locator("#evidence").inner_text()
    screenshot(case, "case-en")
    attachment.refresh_from_db()
    assert attachment.evidence is not None and attachment.evidence.tier_id == core.pk

    # Back on the phone, the answer is there, marked new.
    portal.reload()
    answer = portal.locator(".bubble.from-staff").last
    assert "We will check it today." in answer.inner_text() and "new" in answer.inner_text()
    screenshot(portal, "portal-en")
    assert Message.objects.get(author=agent).requester_read_at is not None
    phone.close()
    desk.close()


def test_an_answer_with_a_file_brings_the_ticket_back_with_a_later_deadline(
    live_server, browser, now, tmp_path, screenshot
):
    requester, agent = _people()
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    due = WithdrawalTicket.objects.get(pk=ticket.pk).decision_due_at

    now(shanghai("2026-11-24 10:30"))
    desk, case = _open(browser, live_server, agent, viewport=DESKTOP, language="zh-hans")
    case.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    case.locator("textarea[name=message]").fill("请上传与对方签署的和解协议。")
    case.get_by_role("button", name=re.compile("暂停")).click()
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING_ON_REQUESTER

    now(shanghai("2026-11-24 14:30"))
    phone, portal = _open(browser, live_server, requester, viewport=PHONE, language="zh-hans")
    portal.goto(f"{live_server.url}/tickets/{ticket.reference}/")
    assert "请上传与对方签署的和解协议。" in portal.locator("#asked").inner_text()
    portal.get_by_label("您的答复").fill("好了")
    portal.get_by_role("button", name="发送我的答复").click()  # nothing added: refused, in Chinese
    assert "无法让工单恢复处理" in portal.locator("#message-error").inner_text()
    assert portal.get_by_label("您的答复").input_value() == "好了"
    screenshot(portal, "portal-refused-zh")
    portal.get_by_label("您的答复").fill("协议已签署，见附件。")
    agreement = _write(tmp_path / "和解协议.pdf", files.pdf_bytes("和解协议"))
    portal.locator("#message-files").set_input_files(agreement)
    screenshot(portal, "portal-answer-zh")
    portal.get_by_role("button", name="发送我的答复").click()
    portal.wait_for_url(re.compile(r"#composer$"))
    assert "客服" in portal.locator(".flash").inner_text()

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.decision_due_at == due + (shanghai("2026-11-24 14:30") - shanghai("2026-11-24 10:30"))
    case.reload()
    assert case.locator("#status").inner_text() == TicketStatus.ASSIGNED.label  # active language, Chinese
    # The deadline reads humanized; its exact local time is the <time> element's hover title.
    titles = case.locator(".case-side time").evaluate_all("times => times.map(t => t.title)")
    assert any(f"{timezone.localtime(ticket.decision_due_at):%Y-%m-%d %H:%M}" in title for title in titles)
    assert "协议已签署，见附件。" in case.locator(".entry-message.from-requester").last.inner_text()
    screenshot(case, "case-answered-zh")
    phone.close()
    desk.close()


def test_an_internal_note_reaches_the_requester_by_no_way(live_server, browser, now, screenshot):
    requester, agent = _people()
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    secret = "NOTE-7f3a: the requester's bank says otherwise"

    now(shanghai("2026-11-24 10:30"))
    desk, case = _open(browser, live_server, agent, viewport=DESKTOP, language="en")
    case.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
    case.get_by_role("radio", name=re.compile("Internal note")).check()
    case.locator("#composer-body").fill(secret)
    case.get_by_role("button", name="Add the internal note").click()
    case.wait_for_url(re.compile(r"#thread$"))
    note = case.locator(".entry-note").last
    assert secret in note.inner_text() and "the requester never sees this" in note.inner_text()
    # A reply after it, so the outbox has something to carry (and must carry the reply only).
    case.get_by_role("radio", name="Reply to the requester").check()
    case.locator("#composer-body").fill("We are looking into it.")
    case.get_by_role("button", name="Send to the requester").click()
    case.wait_for_url(re.compile(r"#thread$"))
    screenshot(case, "case-note-en")
    assert Message.objects.get(ticket=ticket, kind=MessageKind.NOTE).body == secret

    for language in ("en", "zh-hans"):
        phone, portal = _open(browser, live_server, requester, viewport=PHONE, language=language)
        portal.goto(f"{live_server.url}/tickets/{ticket.reference}/")
        html = portal.content()
        assert "We are looking into it." in html
        assert "NOTE-7f3a" not in html and "bank says otherwise" not in html
        portal.goto(f"{live_server.url}/tickets/")
        assert "NOTE-7f3a" not in portal.content()
        phone.close()
    for row in OutboundMessage.objects.all():
        carried = " ".join([row.subject, row.body, row.html_body, str(row.sms_params)])
        assert "NOTE-7f3a" not in carried and "bank says otherwise" not in carried
    desk.close()


def _a_rich_thread(now, requester, agent):
    """A thread with everything a thread holds: messages both ways, files, a note, a contact, a request."""
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    now(shanghai("2026-11-24 10:05"))
    message_post(
        ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER,
        body="您好，我和对方已经协商好了，对方同意退款 200 元。\n请问还需要我提供什么材料？",
    )
    now(shanghai("2026-11-24 10:12"))
    ticket_contact_log(
        ticket_id=ticket.pk, agent=agent, channel="phone", note="已电话联系，申请人会上传和解协议"
    )
    now(shanghai("2026-11-24 10:15"))
    note_post(ticket_id=ticket.pk, author=agent, body="对方店铺以前有过类似投诉，注意核对签名。")
    now(shanghai("2026-11-24 10:20"))
    message_post(
        ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT,
        body="您好，请上传双方签署的和解协议（PDF 或 Word），我们收到后会尽快处理。",
    )
    now(shanghai("2026-11-24 10:30"))
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请上传双方签署的和解协议。")
    now(shanghai("2026-11-24 11:02"))
    message_post(
        ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body="协议已签好，附件是扫描件。",
        uploads=[Upload(io.BytesIO(files.docx_with_png("和解协议")), "和解协议-签字版.docx")],
    )
    OutboundMessage.objects.create(
        channel="sms", recipient="13800138000", ticket=ticket, requester=requester, event="message_posted",
        language="zh-hans", body="您的工单有新消息", dedupe_key=f"shot-{ticket.pk}", status="delivered",
        provider="tencent", provider_message_id="2019:8741526301", created_at=shanghai("2026-11-24 11:03"),
    )
    now(shanghai("2026-11-24 11:30"))
    return WithdrawalTicket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_screenshots_of_the_thread_on_phone_and_desktop(live_server, browser, now, screenshot, language):
    requester, agent = _people()
    ticket = _a_rich_thread(now, requester, agent)
    suffix = "zh" if language == "zh-hans" else "en"
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context, case = _open(browser, live_server, agent, viewport=viewport, language=language)
        case.goto(f"{live_server.url}/workspace/case/{ticket.reference}/")
        assert case.locator(".entry-note").count() == 1
        screenshot(case, f"case-{size}-{suffix}")
        context.close()
        context, portal = _open(browser, live_server, requester, viewport=viewport, language=language)
        portal.goto(f"{live_server.url}/tickets/{ticket.reference}/")
        assert portal.locator(".bubble").count() == 3 and "注意核对签名" not in portal.content()
        portal.locator("#message-body").fill("我不小心点错了，真的不是我的错!!!")
        portal.wait_for_function("document.querySelectorAll('#message-advice li').length > 0")
        screenshot(portal, f"portal-{size}-{suffix}")
        context.close()

"""The thread in the portal: the requester's chat, the composer, answering a request, unread counts."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.casework.services import ticket_claim, ticket_evidence_request
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.conversation.services import Upload, message_post, note_post
from apps.outbound.models import OutboundMessage
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.casework.conftest import received_ticket, shanghai
from tests.evidence import files
from tests.factories import RequesterFactory

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def held(agent, requester, now):
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket(requester=requester)
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


@pytest.fixture
def waiting(held, agent, now):
    now(shanghai("2026-11-24 10:30"))
    return ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the settlement agreement.")


def browser_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def detail(ticket) -> str:
    return reverse("portal:ticket_detail", args=[ticket.reference])


def send_url(ticket) -> str:
    return reverse("portal:message_send", args=[ticket.reference])


def docx_upload(name="agreement.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.docx_bytes(f"和解协议 {name}"), content_type=DOCX)


def docx(name="agreement.docx") -> Upload:
    return Upload(io.BytesIO(files.docx_bytes(name)), name)


# --------------------------------------------------------------------------------- the chat
def test_the_requester_reads_the_conversation_without_notes_or_staff_business(held, agent, requester):
    agent.display_name = "李静"
    agent.save(update_fields=["display_name"])
    message_post(
        ticket_id=held.pk, author=requester, role=AuthorRole.REQUESTER, body="Is it <b>fine</b>?\nThanks"
    )
    message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="We are checking it.")
    note_post(ticket_id=held.pk, author=agent, body="SECRET-NOTE requester sounds unsure",
              uploads=[docx("internal-only.docx")])
    OutboundMessage.objects.create(
        channel="sms", recipient="13800138000", ticket=held, requester=requester, event="message_posted",
        language="en", body="DELIVERY-ROW", dedupe_key="x", provider="tencent", provider_message_id="pm-1",
    )

    page = browser_of(requester).get(detail(held)).content.decode()

    assert "Is it &lt;b&gt;fine&lt;/b&gt;?<br>Thanks" in page
    assert "We are checking it." in page and "Customer service" in page
    assert "SECRET-NOTE" not in page and "internal-only.docx" not in page and "Internal note" not in page
    assert "DELIVERY-ROW" not in page and "pm-1" not in page
    assert "李静" not in page  # the requester is answered by customer service, not by a named agent
    assert "2026-11-24 10:00" in page  # Shanghai time


def test_the_page_in_chinese_and_english(waiting, requester):
    english = browser_of(requester, "en").get(detail(waiting)).content.decode()
    assert "Send my answer" in english and "This is only a question" in english
    chinese = browser_of(requester, "zh-hans").get(detail(waiting)).content.decode()
    assert "发送我的答复" in chinese and "这只是一个问题" in chinese and "消息" in chinese
    assert "Send my answer" not in chinese


def test_opening_the_page_reads_customer_services_messages(held, agent, requester):
    reply = message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="Please call us.")
    own = message_post(ticket_id=held.pk, author=requester, role=AuthorRole.REQUESTER, body="Hello there")
    page = browser_of(requester).get(detail(held)).content.decode()
    assert "badge-new" in page  # drawn before the mark: the requester sees which ones are new
    reply.refresh_from_db()
    own.refresh_from_db()
    assert reply.requester_read_at is not None
    assert own.requester_read_at is None


# ------------------------------------------------------------------------------ the composer
def test_the_requester_writes_with_files(held, requester):
    client = browser_of(requester)
    sent = client.post(
        send_url(held), {"body": "Two papers", "attachments": [docx_upload("a.docx"), docx_upload("b.docx")]}
    )
    assert sent.status_code == 302 and sent["Location"] == detail(held) + "#composer"
    message = Message.objects.get(ticket=held)
    assert (message.author_role, message.body, message.answers_request) == ("requester", "Two papers", False)
    assert message.attachments.count() == 2
    page = client.get(detail(held)).content.decode()
    assert "Your message is sent to customer service." in page and "a.docx" in page


def test_the_request_is_pinned_above_the_composer_with_its_deadline(waiting, requester):
    page = browser_of(requester).get(detail(waiting)).content.decode()
    pinned = page[page.index('id="asked"'):page.index('id="composer"')]
    assert "Add the settlement agreement." in pinned
    by = timezone.localtime(waiting.stage_ends_at)
    assert f"Please answer by {by:%Y-%m-%d %H:%M}" in pinned
    assert "I have added what was asked" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "cannot send your ticket back"), ("zh-hans", "无法让工单恢复处理")],
)
def test_a_bare_done_is_refused_with_a_clear_message(waiting, requester, language, expected):
    refused = browser_of(requester, language).post(send_url(waiting), {"body": "done", "answers": "1"})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert expected in text[text.index('id="message-error"'):]
    assert ">done</textarea>" in text  # what was typed is kept
    assert WithdrawalTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING_ON_REQUESTER
    assert not Message.objects.exists()


def test_an_answer_with_a_file_resumes_the_clock(waiting, requester, now):
    due = waiting.decision_due_at
    now(shanghai("2026-11-24 14:30"))
    client = browser_of(requester)
    sent = client.post(send_url(waiting), {"body": "", "answers": "1", "attachments": [docx_upload()]})
    assert sent.status_code == 302
    ticket = WithdrawalTicket.objects.get(pk=waiting.pk)
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.decision_due_at == due + timedelta(hours=4)  # the wait from 10:30 to 14:30
    assert Message.objects.get(ticket=ticket).answers_request is True
    page = client.get(detail(ticket)).content.decode()
    assert "your ticket is back with customer service" in page


def test_only_a_question_keeps_the_ticket_waiting(waiting, requester):
    question = {"body": "Which agreement do you mean?", "answers": "0"}
    sent = browser_of(requester).post(send_url(waiting), question)
    assert sent.status_code == 302
    assert WithdrawalTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING_ON_REQUESTER
    assert Message.objects.get(ticket=waiting).answers_request is False


def test_a_decided_ticket_has_no_composer_and_refuses_a_message(held, requester):
    WithdrawalTicket.objects.filter(pk=held.pk).update(status=TicketStatus.APPROVED)
    client = browser_of(requester)
    page = client.get(detail(held)).content.decode()
    assert 'id="composer"' not in page and "This conversation is closed." in page
    refused = client.post(send_url(held), {"body": "one more thing"})
    assert refused.status_code == 400 and "conversation is closed" in refused.content.decode()


def test_the_old_i_have_added_it_button_still_needs_something_added(waiting, requester):
    client = browser_of(requester)
    client.post(reverse("portal:ticket_reply", args=[waiting.reference]))
    assert WithdrawalTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING_ON_REQUESTER


# ------------------------------------------------------------------------------ attachments
def test_the_requester_downloads_a_file_of_their_conversation(held, agent, requester):
    message = message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="The form",
                           uploads=[docx("form.docx")])
    url = reverse("portal:attachment", args=[held.reference, message.attachments.get().pk])
    response = browser_of(requester).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_notes_file_is_never_served_to_the_requester(held, agent, requester):
    note = note_post(ticket_id=held.pk, author=agent, body="internal", uploads=[docx("internal.docx")])
    url = reverse("portal:attachment", args=[held.reference, note.attachments.get().pk])
    assert browser_of(requester).get(url).status_code == 404


# ------------------------------------------------------------------------------- my tickets
def test_my_tickets_counts_unread_replies_in_a_fixed_number_of_queries(
    agent, requester, now, django_assert_max_num_queries
):
    def tickets_with_replies(count):
        for _ in range(count):
            ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
            for body in ("one", "two"):
                message_post(ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT, body=body)

    client = browser_of(requester)
    tickets_with_replies(2)
    client.get(reverse("portal:my_tickets"))
    with django_assert_max_num_queries(30) as few:
        page = client.get(reverse("portal:my_tickets")).content.decode()
    assert page.count("2 new messages") == 2
    tickets_with_replies(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("portal:my_tickets")).content.decode()
    assert page.count("2 new messages") == 12
    chinese = browser_of(requester, "zh-hans").get(reverse("portal:my_tickets")).content.decode()
    assert "2 条新消息" in chinese


# ---------------------------------------------------------------------- who is refused, and how
def _views(ticket, attachment):
    return [
        ("post", reverse("portal:message_send", args=[ticket.reference]), {"body": "hello there, it is me"}),
        ("post", reverse("portal:message_check", args=[ticket.reference]), {"body": "不小心"}),
        ("get", reverse("portal:attachment", args=[ticket.reference, attachment.pk]), {}),
    ]


@pytest.fixture
def attachment(held, requester):
    return message_post(
        ticket_id=held.pk, author=requester, role=AuthorRole.REQUESTER, body="mine", uploads=[docx()]
    ).attachments.get()


def test_another_requester_finds_nothing(held, attachment):
    stranger = browser_of(RequesterFactory())
    for method, url, data in _views(held, attachment):
        assert getattr(stranger, method)(url, data).status_code == 404, url
    assert Message.objects.count() == 1


def test_anonymous_people_are_sent_to_the_sms_sign_in(held, attachment):
    for method, url, data in _views(held, attachment):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302 and "sign-in" in response["Location"], url


def test_staff_are_refused_in_the_portal(held, agent, attachment):
    for method, url, data in _views(held, attachment):
        assert getattr(browser_of(agent), method)(url, data).status_code == 403, url
    assert Message.objects.count() == 1 and Attachment.objects.count() == 1
    assert not Message.objects.filter(kind=MessageKind.NOTE).exists()

"""The thread on the case page: what staff read, the composer, files as evidence, read marks, the queue."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.casework.services import ticket_claim, ticket_contact_log
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.conversation.services import Upload, message_post, note_post
from apps.evidence.models import EvidenceFile
from apps.outbound.models import OutboundMessage
from apps.policy.models import EvidenceTier
from tests.casework.conftest import agent_with, received_ticket, shanghai
from tests.evidence import files

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def held(agent, requester, now):
    """A WeChat ticket received 09:45 and claimed by `agent` at 10:00."""
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket(requester=requester)
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


def browser_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def case_url(ticket) -> str:
    return reverse("workspace:case", args=[ticket.reference])


def docx_upload(name="agreement.docx", text="和解协议 settlement agreement") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.docx_bytes(text), content_type=DOCX)


def say(ticket, requester, body="", uploads=(), **kwargs) -> Message:
    return message_post(
        ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body=body, uploads=uploads, **kwargs
    )


def docx(name="agreement.docx", text="和解协议 settlement agreement") -> Upload:
    return Upload(io.BytesIO(files.docx_bytes(text)), name)


# ------------------------------------------------------------------------------ what staff read
def test_the_case_page_shows_the_whole_thread_to_staff(held, agent, requester, now):
    now(shanghai("2026-11-24 10:05"))
    say(held, requester, "Here is the agreement.\nSigned <b>today</b>.", uploads=[docx()])
    now(shanghai("2026-11-24 10:10"))
    message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="Thank you, checking it.")
    note_post(ticket_id=held.pk, author=agent, body="Signature looks odd; compare with the ID.")
    ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone", note="Called: will send the receipt")

    page = browser_of(agent).get(case_url(held)).content.decode()

    assert "Here is the agreement.<br>Signed &lt;b&gt;today&lt;/b&gt;." in page  # escaped, lines kept
    assert "agreement.docx" in page and "File as evidence" in page
    assert "2026-11-24 10:05" in page  # Shanghai time
    assert "Thank you, checking it." in page and "Not read by the requester yet" in page
    assert "Signature looks odd" in page
    assert "Internal note — the requester never sees this" in page
    assert "Called: will send the receipt" in page  # a logged contact's note is in the thread
    assert page.index("Here is the agreement") < page.index("Thank you, checking it.")


def test_an_agent_message_says_when_the_requester_read_it(held, agent, requester, now):
    message = message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="Please call us.")
    Message.objects.filter(pk=message.pk).update(requester_read_at=shanghai("2026-11-24 11:42"))
    page = browser_of(agent).get(case_url(held)).content.decode()
    assert "Read by the requester at 2026-11-24 11:42" in page


def test_deliveries_show_their_channel_status_provider_and_error(held, agent, requester):
    common = {"ticket": held, "requester": requester, "language": "zh-hans", "body": "您的工单有新消息"}
    OutboundMessage.objects.create(
        channel="sms", recipient="13800138000", event="message_posted", dedupe_key="a", status="delivered",
        provider="tencent", provider_message_id="sms-4711", **common,
    )
    OutboundMessage.objects.create(
        channel="email", recipient="r@example.com", event="message_posted", dedupe_key="b", status="failed",
        subject="A new message", last_error="mailbox full", **common,
    )
    page = browser_of(agent).get(case_url(held)).content.decode()
    assert "delivery-delivered" in page and "tencent" in page and "sms-4711" in page
    assert "delivery-failed" in page and "mailbox full" in page and "A new message" in page


def test_the_thread_costs_a_fixed_number_of_queries(held, agent, requester, django_assert_max_num_queries):
    def grow(start, stop):
        for n in range(start, stop):
            uploads = [docx(f"file{n}.docx", f"text {n}")] if n % 3 == 0 else []
            say(held, requester, f"message {n}", uploads=uploads)
            message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body=f"answer {n}")
            note_post(ticket_id=held.pk, author=agent, body=f"note {n}")

    client = browser_of(agent)
    grow(0, 3)
    client.get(case_url(held))  # warm the session and content types
    with django_assert_max_num_queries(200) as short:
        assert client.get(case_url(held)).status_code == 200
    grow(3, 30)
    with django_assert_max_num_queries(len(short.captured_queries)):
        page = client.get(case_url(held)).content.decode()
    assert "message 29" in page and "note 29" in page


# -------------------------------------------------------------------------------- read marks
def test_the_assignee_opening_the_page_reads_the_requesters_messages(held, agent, requester):
    message = say(held, requester, "Any news?")
    page = browser_of(agent).get(case_url(held)).content.decode()
    assert "new" in page  # drawn before the mark: the agent sees which ones are new
    message.refresh_from_db()
    assert message.staff_read_at is not None


def test_a_supervisor_looking_over_a_held_ticket_leaves_it_unread(held, supervisor, requester):
    message = say(held, requester, "Any news?")
    browser_of(supervisor).get(case_url(held))
    message.refresh_from_db()
    assert message.staff_read_at is None


def test_anyone_in_scope_reads_an_unassigned_ticket(requester, now):
    ticket = received_ticket(requester=requester)
    message = say(ticket, requester, "Is anyone there?")
    browser_of(agent_with()).get(case_url(ticket))
    message.refresh_from_db()
    assert message.staff_read_at is not None


def test_the_queue_marks_a_ticket_with_an_unread_requester_message(held, agent, requester):
    quiet = ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    say(held, requester, "Any news?")
    client = browser_of(agent)
    queue = client.get(reverse("workspace:queue") + "?tab=mine").content.decode()
    row = queue[queue.index(f'data-reference="{held.reference}"'):]
    assert "unread message" in row[: row.index("</tr>")]
    quiet_row = queue[queue.index(f'data-reference="{quiet.reference}"'):]
    assert "unread message" not in quiet_row[: quiet_row.index("</tr>")]

    client.get(case_url(held))
    assert "unread-mark" not in client.get(reverse("workspace:queue") + "?tab=mine").content.decode()


# ----------------------------------------------------------------------------------- composer
def test_the_agent_replies_with_files_and_adds_a_note(held, agent):
    client = browser_of(agent)
    url = reverse("workspace:case_message", args=[held.reference])
    sent = client.post(url, {"mode": "reply", "body": "Please sign page 2.",
                             "attachments": [docx_upload("a.docx", "one"), docx_upload("b.docx", "two")]})
    assert sent.status_code == 302 and sent["Location"].endswith("#thread")
    reply = Message.objects.get(ticket=held, kind=MessageKind.MESSAGE)
    assert (reply.author_role, reply.author, reply.body) == ("agent", agent, "Please sign page 2.")
    assert sorted(Attachment.objects.filter(message=reply).values_list("original_name", flat=True)) == [
        "a.docx", "b.docx"
    ]
    client.post(url, {"mode": "note", "body": "Requester sounded upset."})
    assert Message.objects.get(ticket=held, kind=MessageKind.NOTE).body == "Requester sounded upset."


def test_a_refused_message_shows_the_reason_next_to_the_field_and_keeps_the_text(held, agent):
    client = browser_of(agent)
    url = reverse("workspace:case_message", args=[held.reference])
    empty = client.post(url, {"mode": "reply", "body": "  "})
    assert empty.status_code == 400
    assert 'id="composer-body-error">Write a message or attach a file.' in empty.content.decode()

    picture = SimpleUploadedFile("photo.png", files.png_bytes(), content_type="image/png")
    refused = client.post(url, {"mode": "note", "body": "see the photo", "attachments": [picture]})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="composer-files-error">“photo.png”' in text
    assert ">see the photo</textarea>" in text
    assert not Message.objects.filter(ticket=held).exists()


def test_a_colleague_who_does_not_hold_the_ticket_writes_notes_only(held, requester):
    colleague = agent_with()
    client = browser_of(colleague)
    page = client.get(case_url(held)).content.decode()
    assert 'value="reply"' not in page and "only they or a supervisor reply" in page
    url = reverse("workspace:case_message", args=[held.reference])
    refused = client.post(url, {"mode": "reply", "body": "Hello from me"})
    assert refused.status_code == 400
    assert "only they or a supervisor can act on it" in refused.content.decode()
    assert client.post(url, {"mode": "note", "body": "FYI: I know this shop"}).status_code == 302
    assert Message.objects.get(ticket=held).kind == MessageKind.NOTE


# ------------------------------------------------------------------------------ attachments
def test_an_attachment_downloads_locked_down_to_staff_in_scope(held, agent, requester):
    message = say(held, requester, "the agreement", uploads=[docx("协议.docx")])
    attachment = message.attachments.get()
    url = reverse("workspace:attachment", args=[held.reference, attachment.pk])
    response = browser_of(agent).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_an_attachment_is_not_reached_through_another_ticket(held, agent, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    other = ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    url = reverse("workspace:attachment", args=[other.reference, attachment.pk])
    assert browser_of(agent).get(url).status_code == 404


def test_filing_an_attachment_as_evidence(held, agent, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    core = EvidenceTier.objects.get(code="core")
    client = browser_of(agent)
    url = reverse("workspace:attachment_file", args=[held.reference, attachment.pk])

    no_tier = client.post(url, {"tier": ""})
    assert no_tier.status_code == 400
    assert "Choose the evidence tier this file belongs to." in no_tier.content.decode()

    filed = client.post(url, {"tier": core.pk})
    assert filed.status_code == 302 and filed["Location"].endswith("#evidence")
    attachment.refresh_from_db()
    evidence = EvidenceFile.objects.get(pk=attachment.evidence_id)
    assert (evidence.ticket_id, evidence.tier_id) == (held.pk, core.pk)
    assert evidence.original_name == "agreement.docx"
    page = client.get(case_url(held)).content.decode()
    assert "filed as evidence" in page

    again = client.post(url, {"tier": core.pk})
    assert again.status_code == 400 and "already filed as evidence" in again.content.decode()


def test_a_colleague_cannot_file_evidence_on_a_ticket_they_do_not_hold(held, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    url = reverse("workspace:attachment_file", args=[held.reference, attachment.pk])
    tier = EvidenceTier.objects.get(code="core")
    refused = browser_of(agent_with()).post(url, {"tier": tier.pk})
    assert refused.status_code == 400
    assert not EvidenceFile.objects.filter(ticket=held).exists()


# ---------------------------------------------------------------------- who is refused, and how
def _new_views(ticket, attachment):
    return [
        ("post", reverse("workspace:case_message", args=[ticket.reference]), {"mode": "note", "body": "x"}),
        ("get", reverse("workspace:attachment", args=[ticket.reference, attachment.pk]), {}),
        ("post", reverse("workspace:attachment_file", args=[ticket.reference, attachment.pk]), {"tier": "1"}),
    ]


def test_strangers_are_sent_to_the_staff_login(held, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    for method, url, data in _new_views(held, attachment):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_requesters_never_reach_the_workspace_views(held, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    for method, url, data in _new_views(held, attachment):
        assert getattr(browser_of(requester), method)(url, data).status_code == 403, url


def test_an_agent_outside_the_tickets_scope_finds_nothing(held, requester):
    attachment = say(held, requester, "x", uploads=[docx()]).attachments.get()
    outsider = agent_with(platforms=("alipay",))
    for method, url, data in _new_views(held, attachment):
        assert getattr(browser_of(outsider), method)(url, data).status_code == 404, url
    assert not Message.objects.filter(kind=MessageKind.NOTE).exists()
    assert Attachment.objects.get(pk=attachment.pk).evidence_id is None

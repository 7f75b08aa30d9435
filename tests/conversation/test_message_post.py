"""Writing to a ticket's thread: who may, what a message carries, and the evidence request's answer."""

import io
from datetime import timedelta

import pytest

from apps.casework.models import Notification, NotificationKind
from apps.casework.services import ticket_claim, ticket_evidence_request
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.conversation.selectors import thread_for, unread_by_staff, unread_for_requester
from apps.conversation.services import (
    Upload,
    attachment_file_as_evidence,
    message_post,
    note_post,
    thread_mark_read,
)
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import EvidenceTier
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from tests.casework.conftest import agent_with, received_ticket, shanghai
from tests.evidence import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(agent, requester, now):
    """A WeChat ticket received 09:45 (first contact due 13:30), claimed by `agent` at 10:00."""
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket(requester=requester)
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


def unread_to_requester(ticket) -> int:
    return WithdrawalTicket.objects.annotate(unread=unread_for_requester()).get(pk=ticket.pk).unread


def docx(name: str = "agreement.docx") -> Upload:
    return Upload(io.BytesIO(files.docx_bytes(name)), name)


def pdf(title: str = "receipt") -> Upload:
    return Upload(io.BytesIO(files.pdf_bytes(title)), f"{title}.pdf")


def say(ticket, requester, body="", uploads=(), **kwargs):
    return message_post(
        ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body=body, uploads=uploads, **kwargs
    )


# ------------------------------------------------------------------------------- the basics
def test_a_requester_message_is_stored_recorded_and_told_to_the_agent(held, requester, agent):
    message = say(held, requester, "  Is anything missing?  ")
    assert (message.kind, message.author_role) == ("message", "requester")
    assert message.body == "Is anything missing?"
    event = TicketEvent.objects.get(ticket=held, kind=EventKind.MESSAGE_POSTED)
    assert event.to_value == "requester"
    assert event.data == {"message_id": message.pk, "attachments": 0}
    assert "Is anything missing" not in str(event.data)  # the text stays in the thread, not in events
    notice = Notification.objects.get(recipient=agent, kind=NotificationKind.REQUESTER_MESSAGE)
    assert notice.data == {"message_id": message.pk}


def test_an_agents_first_message_is_the_first_contact(held, agent, now):
    now(shanghai("2026-11-24 11:00"))
    message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="We are on it.")
    held.refresh_from_db()
    assert held.first_contact_at == shanghai("2026-11-24 11:00")
    contact = TicketEvent.objects.get(ticket=held, kind=EventKind.CONTACT_LOGGED)
    assert (contact.to_value, contact.data["met_deadline"], contact.data["first"]) == ("in_app", True, True)
    now(shanghai("2026-11-24 12:00"))
    message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="Still on it.")
    held.refresh_from_db()
    assert held.first_contact_at == shanghai("2026-11-24 11:00")
    assert TicketEvent.objects.filter(ticket=held, kind=EventKind.CONTACT_LOGGED).count() == 1


def test_empty_long_and_crowded_messages_are_refused_with_the_reason(held, requester):
    with pytest.raises(ApplicationError) as empty:
        say(held, requester, "   ")
    assert empty.value.message == "Write a message or attach a file."
    with pytest.raises(ApplicationError) as long:
        say(held, requester, "x" * 5001)
    assert "at most 5000 characters; this one has 5001" in long.value.message
    with pytest.raises(ApplicationError) as crowded:
        say(held, requester, "six", [pdf(f"p{i}") for i in range(6)])
    assert crowded.value.extra["field"] == "attachments"
    assert not Message.objects.exists()


def test_a_refused_file_names_itself_and_nothing_is_kept(held, requester, settings):
    with pytest.raises(ApplicationError) as refused:
        bad = Upload(io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")
        say(held, requester, "see attached", [pdf("good"), bad])
    assert refused.value.message.startswith("“x.pdf”: ")
    assert refused.value.extra["field"] == "attachments"
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    stored = settings.PRIVATE_MEDIA_ROOT / "messages"
    assert not stored.exists() or not any(stored.iterdir())


def test_only_the_tickets_requester_and_handler_write(held, requester):
    other = agent_with()
    with pytest.raises(ApplicationError) as stranger:
        say(held, other, "hello")  # an agent writing as the requester
    assert stranger.value.extra["code"] == "not_found"
    with pytest.raises(ApplicationError) as not_holder:
        message_post(ticket_id=held.pk, author=other, role=AuthorRole.AGENT, body="hi")
    assert not_holder.value.extra["code"] == "not_assignee"


def test_a_decided_ticket_takes_no_more_messages(held, requester):
    WithdrawalTicket.objects.filter(pk=held.pk).update(status=TicketStatus.APPROVED)
    with pytest.raises(ApplicationError) as closed:
        say(held, requester, "thanks!")
    assert closed.value.extra["code"] == "wrong_status"
    assert "conversation is closed" in closed.value.message


# ----------------------------------------------------------------- answering an evidence request
@pytest.fixture
def waiting(held, agent, now):
    now(shanghai("2026-11-24 10:30"))
    return ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the settlement agreement.")


@pytest.mark.parametrize("reply", ["done", "Done!", "好了", "已完成。", "ok 👍", "done, thanks"])
def test_a_bare_done_does_not_answer_the_request(waiting, requester, reply):
    with pytest.raises(ApplicationError) as refused:
        say(waiting, requester, reply)
    assert refused.value.extra["code"] == "nothing_added"
    assert "cannot send your ticket back" in refused.value.message
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.WAITING_ON_REQUESTER
    assert not Message.objects.exists()


def test_a_reply_that_speaks_of_a_missing_file_is_refused(waiting, requester):
    with pytest.raises(ApplicationError) as refused:
        say(waiting, requester, "I have uploaded the screenshot of the agreement")
    assert refused.value.extra == {"code": "nothing_added", "field": "attachments"}


def test_an_answer_with_a_file_resumes_the_clock(waiting, requester, agent, now):
    due = waiting.decision_due_at
    now(shanghai("2026-11-24 12:30"))
    message = say(waiting, requester, "Here it is.", [docx()])
    assert message.answers_request is True
    ticket = WithdrawalTicket.objects.get(pk=waiting.pk)
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.decision_due_at == due + timedelta(hours=2)
    assert ticket.waiting_since is None
    attachment = message.attachments.get()
    assert attachment.detected_type.endswith("wordprocessingml.document")
    assert attachment.evidence is None  # an agent decides what it is evidence of
    resumed = TicketEvent.objects.get(
        ticket=ticket, kind=EventKind.STATUS_CHANGED, data__reason="requester_answered"
    )
    assert resumed.data["paused_seconds"] == 7200
    assert Notification.objects.filter(recipient=agent, kind=NotificationKind.REQUESTER_REPLIED).exists()


def test_a_written_answer_of_substance_resumes_the_clock(waiting, requester):
    say(waiting, requester, "The order number is 2026-1203-88, paid on 1 December.")
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.ASSIGNED


def test_a_question_while_waiting_keeps_the_ticket_waiting(waiting, requester):
    message = say(waiting, requester, "Which agreement?", answers_request=False)
    assert message.answers_request is False
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.WAITING_ON_REQUESTER


def test_evidence_uploaded_since_the_request_makes_a_done_an_answer(waiting, requester, now):
    now(shanghai("2026-11-24 11:00"))
    EvidenceFile.objects.create(
        ticket=waiting, tier=EvidenceTier.objects.order_by("id").first(), file="evidence/x",
        original_name="a.pdf", detected_type="application/pdf", size=1, sha256="a" * 64,
        uploaded_by=requester, uploaded_at=shanghai("2026-11-24 11:00"),
    )
    say(waiting, requester, "done")
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.ASSIGNED


# ------------------------------------------------------------------------------------- notes
def test_a_note_is_for_staff_only_and_records_no_event(held, agent, requester):
    note = note_post(ticket_id=held.pk, author=agent, body="Caller sounded unsure; check the ID again.")
    assert note.kind == MessageKind.NOTE
    assert not TicketEvent.objects.filter(ticket=held, kind=EventKind.MESSAGE_POSTED).exists()
    assert [e.kind for e in thread_for(ticket=held, staff=True) if e.message] == ["note"]
    assert all(e.message is None for e in thread_for(ticket=held, staff=False))
    with pytest.raises(ApplicationError) as refused:
        note_post(ticket_id=held.pk, author=requester, body="sneaky")
    assert refused.value.extra["code"] == "forbidden"


def test_a_note_needs_the_ticket_in_the_writers_scope(held):
    alipay_only = agent_with(platforms=("alipay",))
    with pytest.raises(ApplicationError) as refused:
        note_post(ticket_id=held.pk, author=alipay_only, body="hello")
    assert refused.value.extra["code"] == "not_found"


# ------------------------------------------------------------------------------- read marks
def test_each_side_reads_the_others_messages(held, agent, requester):
    say(held, requester, "Question one?")
    message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body="Answer one.")
    note_post(ticket_id=held.pk, author=agent, body="internal")
    unread = WithdrawalTicket.objects.annotate(unread=unread_by_staff()).get(pk=held.pk)
    assert unread.unread is True
    assert unread_to_requester(held) == 1
    assert thread_mark_read(ticket=held, by_requester=True) == 1
    assert thread_mark_read(ticket=held, by_requester=False) == 1
    assert thread_mark_read(ticket=held, by_requester=False) == 0
    assert WithdrawalTicket.objects.annotate(unread=unread_by_staff()).get(pk=held.pk).unread is False
    assert unread_to_requester(held) == 0


# ---------------------------------------------------------------------------- the timeline
def test_the_requester_timeline_leaves_out_staff_business(held, agent, requester):
    from apps.casework.services import ticket_contact_log

    ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone", note="left a voicemail")
    say(held, requester, "Hello")
    staff = thread_for(ticket=held, staff=True)
    mine = thread_for(ticket=held, staff=False)
    contact = [e for e in staff if e.event_kind == EventKind.CONTACT_LOGGED]
    assert contact and "left a voicemail" in contact[0].detail
    assert not [e for e in mine if e.event_kind == EventKind.CONTACT_LOGGED]
    assert [e.text for e in mine if e.kind == "message"] == ["Hello"]
    assert [e.at for e in staff] == sorted(e.at for e in staff)


def test_the_timeline_costs_the_same_queries_whatever_its_length(
    held, agent, requester, django_assert_max_num_queries
):
    for i in range(3):
        say(held, requester, f"message {i}", [pdf(f"short{i}")])
    with django_assert_max_num_queries(6) as short:
        thread_for(ticket=held, staff=True)
    for i in range(20):
        message_post(ticket_id=held.pk, author=agent, role=AuthorRole.AGENT, body=f"reply {i}")
    with django_assert_max_num_queries(len(short.captured_queries)):
        thread_for(ticket=held, staff=True)


# ------------------------------------------------------------------------ filing as evidence
def test_an_attachment_is_filed_as_evidence_once(held, agent, requester):
    message = say(held, requester, "The agreement", [docx()])
    attachment = message.attachments.get()
    tier = EvidenceTier.objects.order_by("id").first()
    evidence = attachment_file_as_evidence(attachment_id=attachment.pk, agent=agent, tier=tier)
    assert (evidence.original_name, evidence.sha256) == ("agreement.docx", attachment.sha256)
    assert evidence.tier == tier
    attachment.refresh_from_db()
    assert attachment.evidence == evidence
    with pytest.raises(ApplicationError) as twice:
        attachment_file_as_evidence(attachment_id=attachment.pk, agent=agent, tier=tier)
    assert twice.value.extra["code"] == "duplicate"
    with pytest.raises(ApplicationError) as outsider:
        attachment_file_as_evidence(
            attachment_id=attachment.pk, agent=agent_with(platforms=("alipay",)), tier=tier
        )
    assert outsider.value.extra["code"] == "not_found"


# --------------------------------------------------------------------------- concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_and_a_decision_at_once_leave_the_ticket_consistent(agent, requester):
    """Both lock the ticket: the message lands before the decision, or is refused after it."""
    from apps.casework.services import ticket_approve
    from tests.casework.test_concurrent_decisions import race
    from tests.casework.test_decisions import provide

    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    provide(ticket, "withdrawal_proof", "legal_documents")
    outcomes = race(
        lambda: say(ticket, requester, "one more thing"),
        lambda: ticket_approve(ticket_id=ticket.pk, agent=agent),
    )
    written, decided = outcomes
    assert isinstance(decided, WithdrawalTicket), outcomes
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.APPROVED
    if isinstance(written, Message):
        assert written.created_at <= ticket.decided_at
        assert Message.objects.filter(ticket=ticket).count() == 1
    else:
        assert isinstance(written, ApplicationError) and written.extra["code"] == "wrong_status"
        assert not Message.objects.filter(ticket=ticket).exists()


def test_a_message_posted_while_the_page_was_read_stays_unread(held, agent, requester):
    shown = say(held, requester, "First question?")
    later = say(held, requester, "And a second one, sent while the agent was reading.")
    assert thread_mark_read(ticket=held, by_requester=False, up_to_id=shown.pk) == 1
    later.refresh_from_db()
    assert later.staff_read_at is None
    assert WithdrawalTicket.objects.annotate(unread=unread_by_staff()).get(pk=held.pk).unread is True


def test_a_platforms_message_is_signed_with_its_integrations_name_everywhere(held):
    from apps.api.services import integration_agent_get_or_create
    from apps.integrations.models import Integration

    crm = Integration.objects.create(name="WeChat CRM", contact_email="dev@crm.example")
    service_user = integration_agent_get_or_create(integration=crm)
    message_post(
        ticket_id=held.pk, author=service_user, role=AuthorRole.INTEGRATION, body="Refund issued.",
        author_label=crm.actor_label,
    )
    for staff in (True, False):
        entry = next(e for e in thread_for(ticket=held, staff=staff) if e.message is not None)
        assert entry.author == "WeChat CRM"

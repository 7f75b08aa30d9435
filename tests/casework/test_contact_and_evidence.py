"""Contact log, asking the requester for evidence, and their reply: the handling deadline pauses."""

from datetime import timedelta

import pytest

from apps.casework.models import Notification, NotificationKind
from apps.casework.services import (
    ticket_claim,
    ticket_contact_log,
    ticket_evidence_request,
    ticket_requester_replied,
)
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import EvidenceTier
from apps.sla.sweep import clock_sweep
from apps.tickets.models import EventKind, TicketStatus
from tests.casework.conftest import agent_with, received_ticket, shanghai

pytestmark = pytest.mark.django_db


def added(ticket):
    """The requester adds a file to the ticket's evidence now (as the portal's evidence form does)."""
    count = EvidenceFile.objects.filter(ticket_id=ticket.pk).count()
    EvidenceFile.objects.create(
        ticket_id=ticket.pk, tier=EvidenceTier.objects.order_by("id").first(), file="evidence/test",
        original_name=f"proof-{count}.pdf", detected_type="application/pdf", size=10,
        sha256=f"{count:064d}", uploaded_at=clock.now(),
    )


@pytest.fixture
def held(agent, requester, now):
    """A WeChat ticket filed 09:30, received 09:45 (first contact due 13:30), claimed at 10:00."""
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket(requester=requester)
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


# ---------------------------------------------------------------------------------- contact
@pytest.mark.parametrize(
    ("at", "met"),
    [("2026-11-24 13:29:59", True), ("2026-11-24 13:30:00", True), ("2026-11-24 13:30:01", False)],
)
def test_the_first_contact_meets_the_four_hour_deadline_or_not(held, agent, now, at, met):
    now(shanghai(at))
    ticket = ticket_contact_log(
        ticket_id=held.pk, agent=agent, channel="phone", note="called", expected_version=held.version
    )
    assert ticket.first_contact_at == shanghai(at)
    event = ticket.events.get(kind=EventKind.CONTACT_LOGGED)
    assert event.data["first"] is True
    assert event.data["met_deadline"] is met
    assert event.to_value == "phone"


def test_a_later_contact_keeps_the_first_contact_time(held, agent, now):
    now(shanghai("2026-11-24 11:00"))
    ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone")
    now(shanghai("2026-11-24 12:00"))
    ticket = ticket_contact_log(ticket_id=held.pk, agent=agent, channel="sms", note="sent the form")
    ticket.refresh_from_db()
    assert ticket.first_contact_at == shanghai("2026-11-24 11:00")
    latest = ticket.events.filter(kind=EventKind.CONTACT_LOGGED).order_by("-id").first()
    assert latest.data == {"channel": "sms", "note": "sent the form", "first": False}


def test_the_first_contact_no_longer_drives_the_clock(held, agent, now):
    assert held.next_transition_at == shanghai("2026-11-24 13:30")  # the first-contact deadline
    now(shanghai("2026-11-24 11:00"))
    ticket = ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone")
    assert ticket.next_transition_at == shanghai("2026-11-24 15:30")  # the end of the preliminary review


def test_a_contact_after_a_recorded_breach_missed_the_deadline(held, agent, now):
    now(shanghai("2026-11-24 13:31"))
    clock_sweep(now=shanghai("2026-11-24 13:31"))
    ticket = ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone")
    assert ticket.events.get(kind=EventKind.CONTACT_LOGGED).data["met_deadline"] is False


def test_only_the_holder_or_a_supervisor_logs_contacts(held, supervisor):
    with pytest.raises(ApplicationError) as refused:
        ticket_contact_log(ticket_id=held.pk, agent=agent_with(), channel="phone")
    assert refused.value.extra["code"] == "not_assignee"
    assert (
        ticket_contact_log(ticket_id=held.pk, agent=supervisor, channel="email").first_contact_at is not None
    )


def test_an_unknown_channel_is_refused(held, agent):
    with pytest.raises(ApplicationError) as refused:
        ticket_contact_log(ticket_id=held.pk, agent=agent, channel="pigeon")
    assert refused.value.extra == {"code": "invalid", "field": "channel"}


# ------------------------------------------------------------------------ evidence and reply
def test_asking_for_evidence_pauses_the_decision_deadline_not_the_stage_clock(held, agent, now):
    now(shanghai("2026-11-24 10:00"))
    ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone")
    waiting = ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the settlement agreement.")
    assert waiting.status == TicketStatus.WAITING_ON_REQUESTER
    assert waiting.waiting_since == shanghai("2026-11-24 10:00")
    assert waiting.next_transition_at == shanghai("2026-11-24 15:30")  # stage end; no decision deadline
    event = waiting.events.get(kind=EventKind.EVIDENCE_REQUESTED)
    assert event.data == {"message": "Add the settlement agreement."}
    assert (event.from_value, event.to_value) == ("assigned", "waiting_on_requester")


def test_the_reply_adds_the_wait_to_the_decision_deadline(held, agent, requester, now):
    due = held.decision_due_at
    assert due == shanghai("2026-11-27 09:45")
    ticket_contact_log(ticket_id=held.pk, agent=agent, channel="phone")
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    now(shanghai("2026-11-24 13:30:15"))
    added(held)

    ticket = ticket_requester_replied(ticket_id=held.pk, requester=requester)

    wait = timedelta(hours=3, minutes=30, seconds=15)
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.paused_seconds == wait.total_seconds() == 12615
    assert ticket.decision_due_at == due + wait
    assert ticket.waiting_since is None
    assert ticket.stage_ends_at == shanghai("2026-11-24 15:30")  # the stage clock never paused
    assert ticket.next_transition_at == shanghai("2026-11-24 15:30")
    ticket.refresh_from_db()
    assert ticket.decision_due_at == due + wait
    assert Notification.objects.get(recipient=agent, kind=NotificationKind.REQUESTER_REPLIED)


def test_a_reply_the_same_second_pauses_nothing_and_pauses_add_up(held, agent, requester, now):
    due = held.decision_due_at
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    added(held)
    assert ticket_requester_replied(ticket_id=held.pk, requester=requester).paused_seconds == 0
    now(shanghai("2026-11-24 11:00"))
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="And the withdrawal proof.")
    now(shanghai("2026-11-24 11:00:59.999"))
    added(held)
    ticket = ticket_requester_replied(ticket_id=held.pk, requester=requester)
    assert ticket.paused_seconds == 59  # whole seconds: the deadline moves by what is recorded
    assert ticket.decision_due_at == due + timedelta(seconds=59)


def test_a_deadline_that_passes_while_waiting_is_not_breached(requester, now):
    """Alipay decides within 24 h: a two-day wait moves the deadline past it, and the sweep agrees."""
    alipay = agent_with(platforms=("alipay",))
    now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket(platform_code="alipay", requester=requester)
    ticket_claim(ticket_id=ticket.pk, agent=alipay)
    ticket_evidence_request(ticket_id=ticket.pk, agent=alipay, message="Add the legal documents.")
    clock_sweep(now=shanghai("2026-11-25 12:00"))  # the original deadline (25 Nov 09:45) has passed
    now(shanghai("2026-11-26 10:00"))
    added(ticket)
    replied = ticket_requester_replied(ticket_id=ticket.pk, requester=requester)
    assert replied.decision_due_at == shanghai("2026-11-27 09:45")
    clock_sweep(now=shanghai("2026-11-26 10:00:01"))
    replied.refresh_from_db()
    assert replied.decision_breached_at is None
    assert replied.status == TicketStatus.ASSIGNED


def test_a_reply_to_an_unassigned_ticket_returns_it_to_the_queue(held, agent, supervisor, requester):
    from apps.casework.services import ticket_assign

    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    ticket_assign(ticket_id=held.pk, agent=None, actor=supervisor)
    added(held)
    assert ticket_requester_replied(ticket_id=held.pk, requester=requester).status == TicketStatus.RECEIVED


def test_the_reply_is_refused_when_nothing_was_asked_or_from_someone_else(held, agent, requester):
    with pytest.raises(ApplicationError) as refused:
        ticket_requester_replied(ticket_id=held.pk, requester=requester)
    assert refused.value.extra["code"] == "wrong_status"
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    with pytest.raises(ApplicationError) as stranger:
        ticket_requester_replied(ticket_id=held.pk, requester=agent_with())
    assert stranger.value.extra["code"] == "not_found"


def test_a_reply_with_nothing_added_since_the_request_is_refused(held, agent, requester, now):
    added(held)  # a file from before the request does not answer it
    now(shanghai("2026-11-24 10:30"))
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    with pytest.raises(ApplicationError) as refused:
        ticket_requester_replied(ticket_id=held.pk, requester=requester)
    assert refused.value.extra["code"] == "nothing_added"
    held.refresh_from_db()
    assert held.status == TicketStatus.WAITING_ON_REQUESTER
    now(shanghai("2026-11-24 10:31"))
    added(held)
    assert ticket_requester_replied(ticket_id=held.pk, requester=requester).status == TicketStatus.ASSIGNED


def test_evidence_is_asked_with_a_message_once(held, agent):
    with pytest.raises(ApplicationError) as empty:
        ticket_evidence_request(ticket_id=held.pk, agent=agent, message="  ")
    assert empty.value.extra["field"] == "message"
    ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Add the legal documents.")
    with pytest.raises(ApplicationError) as twice:
        ticket_evidence_request(ticket_id=held.pk, agent=agent, message="Again.")
    assert twice.value.message == "This ticket is already waiting on the requester."

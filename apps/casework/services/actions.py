"""What an agent does with a ticket: contact, ask for evidence, decide, route; a supervisor reopens.

Each action locks the ticket (at the version the page showed, when it says), checks the state the
ticket must be in, changes it, records one event, raises the version and saves only what changed.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.casework.models import ContactChannel, NotificationKind, ReplyTemplate
from apps.casework.services.common import (
    WORK_PERMISSION,
    complaint_stage,
    refuse,
    require_status,
    require_supervisor,
    ticket_lock,
)
from apps.casework.services.notifications import NotificationRow, notifications_create_bulk
from apps.casework.services.rules import (
    REOPEN_SUPERVISOR_ONLY,
    approval_refusal,
    contact_refusal,
    decision_refusal,
    evidence_request_refusal,
    missing_documents,
    reopen_refusal,
    route_refusal,
)
from apps.complaints.models import ComplaintStatus
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import AlternativeRoute
from apps.sla.services import clock_recompute
from apps.sla.transitions import next_transition
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket

# The one way left for a complaint in an irreversible stage. It is a legal procedure, not one of
# the article's alternative routes, so it has no policy row: `ticket_route(route=None)` sends there.
ADMINISTRATIVE_RECONSIDERATION = "administrative_reconsideration"


def _save(ticket: WithdrawalTicket, fields: list[str], now: datetime) -> None:
    """Raise the version, refresh the clock's next look, and save only `fields`."""
    ticket.next_transition_at = next_transition(ticket)
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=[*fields, "next_transition_at", "version", "updated_at"])


def _end_pause(ticket: WithdrawalTicket, now: datetime) -> int:
    """Close a wait on the requester: its length is added to the paused time and to the decision deadline."""
    if ticket.waiting_since is None:
        return 0
    paused = max(int((now - ticket.waiting_since).total_seconds()), 0)
    ticket.paused_seconds += paused
    if ticket.decision_due_at is not None:
        ticket.decision_due_at += timedelta(seconds=paused)
    ticket.waiting_since = None
    return paused


PAUSE_FIELDS = ["paused_seconds", "decision_due_at", "waiting_since"]


# ----------------------------------------------------------------------------------- contact
def first_contact_settle(ticket: WithdrawalTicket, now: datetime) -> dict[str, Any] | None:
    """Mark the first contact on a locked ticket if none was made yet; say whether it met its deadline.

    Returns None when the ticket had been contacted already; the caller saves `first_contact_at`.
    """
    if ticket.first_contact_at is not None:
        return None
    ticket.first_contact_at = now
    due = ticket.first_contact_due_at
    return {
        "due_at": due.isoformat() if due else None,
        "met_deadline": ticket.first_contact_breached_at is None and (due is None or now <= due),
    }


@transaction.atomic
def ticket_contact_log(
    *, ticket_id: int, agent: User, channel: str, note: str = "", expected_version: int | None = None
) -> WithdrawalTicket:
    """Record a contact with the requester; the first one settles the first-contact deadline."""
    if channel not in ContactChannel.values:
        raise refuse(gettext("Choose how you made contact."), "invalid", field="channel")
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if (refusal := contact_refusal(ticket, agent)) is not None:
        raise refusal
    now = clock.now()
    data: dict[str, Any] = {
        "channel": channel,
        "note": note.strip(),
        "first": ticket.first_contact_at is None,
    }
    settled = first_contact_settle(ticket, now)
    if settled is not None:
        data.update(settled)
    _save(ticket, ["first_contact_at"] if settled is not None else [], now)
    event_record(
        ticket=ticket,
        kind=EventKind.CONTACT_LOGGED,
        actor=agent,
        to_value=channel,
        data=data,
        occurred_at=now,
    )
    return ticket


# ---------------------------------------------------------------------------- the requester
@transaction.atomic
def ticket_evidence_request(
    *, ticket_id: int, agent: User, message: str, expected_version: int | None = None
) -> WithdrawalTicket:
    """Ask the requester for more evidence: the handling deadline pauses, the stage clock runs on."""
    message = message.strip()
    if not message:
        raise refuse(gettext("Say what the requester should add."), "invalid", field="message")
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if (refusal := evidence_request_refusal(ticket, agent)) is not None:
        raise refusal
    now = clock.now()
    old_status = ticket.status
    ticket.status = TicketStatus.WAITING_ON_REQUESTER
    ticket.waiting_since = now
    _save(ticket, ["status", "waiting_since"], now)
    event_record(
        ticket=ticket,
        kind=EventKind.EVIDENCE_REQUESTED,
        actor=agent,
        from_value=old_status,
        to_value=ticket.status,
        data={"message": message},
        occurred_at=now,
    )
    return ticket


def nothing_added_refusal() -> ApplicationError:
    return refuse(
        gettext(
            "Nothing has been added since customer service asked: attach the documents they asked "
            "for, or write the information they asked for. A reply such as “done” cannot send your "
            "ticket back."
        ),
        "nothing_added",
    )


def evidence_added_since_request(ticket: WithdrawalTicket) -> bool:
    """Whether a file reached the ticket's evidence since it began waiting on its requester."""
    if ticket.waiting_since is None:
        return False
    return EvidenceFile.objects.filter(ticket=ticket, uploaded_at__gte=ticket.waiting_since).exists()


def requester_resume(ticket: WithdrawalTicket, *, requester: User, now: datetime, reason: str) -> int:
    """Bring a locked ticket back from waiting on its requester, tell its agent; return the paused seconds."""
    paused = _end_pause(ticket, now)
    ticket.status = TicketStatus.ASSIGNED if ticket.assignee_id else TicketStatus.RECEIVED
    _save(ticket, ["status", *PAUSE_FIELDS], now)
    event_record(
        ticket=ticket,
        kind=EventKind.STATUS_CHANGED,
        actor=requester,
        from_value=TicketStatus.WAITING_ON_REQUESTER,
        to_value=ticket.status,
        occurred_at=now,
        data={
            "reason": reason,
            "paused_seconds": paused,
            "decision_due_at": ticket.decision_due_at.isoformat() if ticket.decision_due_at else None,
        },
    )
    if ticket.assignee_id:
        notifications_create_bulk(
            rows=[
                NotificationRow(
                    recipient_id=ticket.assignee_id,
                    kind=NotificationKind.REQUESTER_REPLIED,
                    ticket_id=ticket.pk,
                    dedupe_key=f"requester_replied:{ticket.pk}:{ticket.version}",
                )
            ],
            email=True,
        )
    return paused


@transaction.atomic
def ticket_requester_replied(
    *, ticket_id: int, requester: User, expected_version: int | None = None
) -> WithdrawalTicket:
    """Bring a ticket back from waiting on its requester, once something was added since the request.

    The wait is added to the decision deadline. A reply with nothing new is refused: it would
    only send the ticket back to be asked again.
    """
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if ticket.requester_id != requester.pk:
        raise refuse(gettext("There is no such ticket."), "not_found")
    require_status(
        ticket,
        (TicketStatus.WAITING_ON_REQUESTER,),
        gettext("This ticket is not waiting for your reply; it is %(status)s."),
    )
    if not evidence_added_since_request(ticket):
        raise nothing_added_refusal()
    requester_resume(ticket, requester=requester, now=clock.now(), reason="requester_replied")
    return ticket


# --------------------------------------------------------------------------------- decisions
def _decide(
    ticket: WithdrawalTicket,
    *,
    status: TicketStatus,
    agent: User,
    reason: str,
    route: AlternativeRoute | None = None,
    data: dict[str, Any],
) -> WithdrawalTicket:
    now = clock.now()
    old_status = ticket.status
    _end_pause(ticket, now)  # a decision taken while waiting ends the wait: the deadline is judged fairly
    ticket.status = status
    ticket.decided_at = now
    ticket.decided_by = agent
    ticket.decision_reason = reason
    ticket.route = route
    _save(ticket, ["status", "decided_at", "decided_by", "decision_reason", "route", *PAUSE_FIELDS], now)
    event_record(
        ticket=ticket,
        kind=EventKind.DECIDED,
        actor=agent,
        from_value=old_status,
        to_value=status,
        data={"decision": status.value, "reason": reason, **data},
        occurred_at=now,
    )
    return ticket


def _lock_for_decision(ticket_id: int, agent: User, expected_version: int | None) -> WithdrawalTicket:
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if (refusal := decision_refusal(ticket, agent)) is not None:
        raise refusal
    return ticket


@transaction.atomic
def ticket_approve(
    *, ticket_id: int, agent: User, note: str = "", expected_version: int | None = None
) -> WithdrawalTicket:
    """Approve the withdrawal: the complaint is withdrawn."""
    ticket = _lock_for_decision(ticket_id, agent, expected_version)
    now = clock.now()
    stage = complaint_stage(ticket, now)
    refusal = approval_refusal(ticket, stage=stage, missing=lambda: missing_documents(ticket, now))
    if refusal is not None:
        raise refusal
    _decide(ticket, status=TicketStatus.APPROVED, agent=agent, reason=note.strip(), data={})
    if ticket.complaint is not None and ticket.complaint.status != ComplaintStatus.WITHDRAWN:
        ticket.complaint.status = ComplaintStatus.WITHDRAWN
        ticket.complaint.save(update_fields=["status"])
    return ticket


@transaction.atomic
def ticket_refuse(
    *,
    ticket_id: int,
    agent: User,
    template_id: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> WithdrawalTicket:
    """Refuse the withdrawal with a reply template, a reason written out, or a template's text as edited.

    The reason is kept in the requester's language: the edited text as written, else the template's.
    """
    template = None
    if template_id is not None:
        template = ReplyTemplate.objects.filter(pk=template_id, active=True).first()
        if template is None:
            raise refuse(
                gettext("This reply is no longer offered; pick another."), "invalid", field="template"
            )
    ticket = _lock_for_decision(ticket_id, agent, expected_version)
    text = reason.strip()
    if not text and template is not None:
        language = ticket.requester.preferred_language if ticket.requester else None
        text = template.body_for(language)
    if not text:
        raise refuse(gettext("Give the reason: pick a reply or write one."), "invalid", field="reason")
    return _decide(
        ticket,
        status=TicketStatus.REFUSED,
        agent=agent,
        reason=text,
        data={"template": template.code if template else None},
    )


@transaction.atomic
def ticket_route(
    *,
    ticket_id: int,
    agent: User,
    route: AlternativeRoute | None,
    note: str = "",
    expected_version: int | None = None,
) -> WithdrawalTicket:
    """Send the requester to another route; `route=None` is administrative reconsideration.

    A complaint in an irreversible stage (handled) may only go to administrative reconsideration.
    """
    ticket = _lock_for_decision(ticket_id, agent, expected_version)
    if (refusal := route_refusal(route, stage=complaint_stage(ticket, clock.now()))) is not None:
        raise refusal
    name = str(route) if route is not None else gettext("administrative reconsideration")
    reason = note.strip() or name
    return _decide(
        ticket,
        status=TicketStatus.ROUTED,
        agent=agent,
        reason=reason,
        route=route,
        data={"route": route.code if route is not None else ADMINISTRATIVE_RECONSIDERATION},
    )


@transaction.atomic
def ticket_reopen(
    *, ticket_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> WithdrawalTicket:
    """Put a refused, routed or expired ticket back in the queue, unless its complaint is past saving."""
    require_supervisor(actor, str(REOPEN_SUPERVISOR_ONLY))
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    now = clock.now()
    if (refusal := reopen_refusal(ticket, actor, stage=lambda: complaint_stage(ticket, now))) is not None:
        raise refusal
    old_status = ticket.status
    assignee = ticket.assignee
    if assignee is not None and not (assignee.is_active and assignee.has_perm(WORK_PERMISSION)):
        ticket.assignee = None
        ticket.assigned_at = None
    ticket.status = TicketStatus.ASSIGNED if ticket.assignee_id else TicketStatus.RECEIVED
    ticket.decided_at = None
    ticket.decided_by = None
    ticket.decision_reason = ""
    ticket.route = None
    ticket.waiting_since = None
    _save(
        ticket,
        [
            "status",
            "assignee",
            "assigned_at",
            "decided_at",
            "decided_by",
            "decision_reason",
            "route",
            "waiting_since",
        ],
        now,
    )
    event_record(
        ticket=ticket,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        from_value=old_status,
        to_value=ticket.status,
        data={"reason": "reopened", "note": note.strip()},
        occurred_at=now,
    )
    # The deadlines are those of today's policy, and the clock looks at the ticket again at once.
    clock_recompute(ticket_ids=[ticket.pk], now=now)
    ticket.refresh_from_db()
    if ticket.complaint_resolution_at is not None and ticket.complaint_resolution_at <= now:
        raise refuse(
            gettext(
                "The platform's handling time for this complaint is over; reopened, the ticket would "
                "only expire again."
            ),
            "expired",
        )
    return ticket

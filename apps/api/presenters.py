"""A ticket as the API answers it: its fields, plus its progress as the portal's ticket page shows it."""

from datetime import datetime
from typing import Any

from django.db.models import Model
from rest_framework import serializers

from apps.api.serializers import ProgressSerializer
from apps.core import clock
from apps.identity.selectors import IdentityProgress, identity_progress
from apps.intake.selectors import intake_step, ticket_progress
from apps.sla.presenter import DeadlineState
from apps.sla.selectors import (
    DECISION,
    FIRST_CONTACT,
    RESOLUTION,
    localized,
    ticket_deadline,
    ticket_deadlines,
)
from apps.tickets.models import TicketStatus, WithdrawalTicket

# DRF's own datetime output (ISO 8601 in the current time zone), so both ways print times alike.
_MOMENT = serializers.DateTimeField()


def moment(value: datetime | None) -> str | None:
    """A time as DRF's DateTimeField prints it (ISO 8601 in the current time zone), or None."""
    return None if value is None else _MOMENT.to_representation(value)


def _code(row: Model | None) -> str | None:
    return None if row is None else row.code  # type: ignore[attr-defined]


def ticket_summary(ticket: WithdrawalTicket) -> dict[str, Any]:
    """A ticket as `TicketSummarySerializer` describes it (the schema), built without DRF's fields.

    Every ticket the API answers with passes here, and binding and walking two dozen serializer
    fields cost a fifth of creating a ticket. tests/api/test_presenters.py holds the two equal.
    Related rows are read as loaded: select the ticket with its platform, type, special case,
    complaint, stage and route. Each deadline's state (`apps.sla.presenter`) stands beside its time.
    """
    now = clock.now()
    return {
        "reference": ticket.reference,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "source": ticket.source,
        "platform": ticket.platform.code,
        "complaint_type": _code(ticket.complaint_type),
        "special_case": _code(ticket.special_case),
        "complaint_number": ticket.complaint.number if ticket.complaint else None,
        "complaint_filed_at": moment(ticket.complaint_filed_at),
        "stage": _code(ticket.stage),
        "intake_step": intake_step(ticket) if ticket.status == TicketStatus.DRAFT else None,
        "version": ticket.version,
        "created_at": moment(ticket.created_at),
        "updated_at": moment(ticket.updated_at),
        "submitted_at": moment(ticket.submitted_at),
        "received_at": moment(ticket.received_at),
        "assigned_at": moment(ticket.assigned_at),
        "first_contact_due_at": moment(ticket.first_contact_due_at),
        "first_contact_state": str(ticket_deadline(ticket, FIRST_CONTACT, now=now).state),
        "decision_due_at": moment(ticket.decision_due_at),
        "decision_state": str(ticket_deadline(ticket, DECISION, now=now).state),
        "complaint_resolution_at": moment(ticket.complaint_resolution_at),
        "complaint_resolution_state": str(ticket_deadline(ticket, RESOLUTION, now=now).state),
        "stage_ends_at": moment(ticket.stage_ends_at),
        "decided_at": moment(ticket.decided_at),
        "decision_reason": ticket.decision_reason,
        "route": _code(ticket.route),
    }


def ticket_progress_data(*, ticket: WithdrawalTicket, now: datetime) -> dict[str, Any]:
    progress = ticket_progress(ticket=ticket, now=now)
    identity = identity_progress(ticket=ticket, now=now)
    stage = progress.stage
    return {
        "stage": stage.code if stage else None,
        "stage_name": localized(stage, "name") if stage else None,
        "stage_seconds_left": int(progress.stage_left.total_seconds())
        if progress.stage_left is not None
        else None,
        "estimate": round(progress.estimate, 4) if progress.estimate is not None else None,
        # The same deadlines as the pages show (apps.sla.selectors.ticket_deadlines), with their state.
        "deadlines": [
            {
                "kind": deadline.kind,
                "label": deadline.label,
                "at": deadline.view.due_at,
                "state": str(deadline.view.state),
                "passed": deadline.view.state == DeadlineState.MISSED,
                "met_at": deadline.view.met_at,
            }
            for deadline in ticket_deadlines(ticket, now=now)
        ],
        "tiers": [
            {"code": tier.code, "name": localized(tier, "name"), "present": present}
            for tier, present in progress.tiers
        ],
        "complete_chain_multiplier": progress.complete_chain_multiplier,
        "documents": [
            {
                "code": check.document.code,
                "name": localized(check.document, "name"),
                "present": check.present,
                "why": check.why,
            }
            for check in progress.documents
        ],
        "missing_documents": [check.document.code for check in progress.documents_missing],
        "routes": [
            {
                "code": route.code,
                "name": localized(route, "name"),
                "days_min": route.days_min,
                "days_max": route.days_max,
                "day_kind": route.day_kind,
                "cost": localized(route, "cost"),
                "success_rate": float(route.success_rate),
            }
            for route in progress.routes
        ],
        "identity": identity_data(identity),
    }


def identity_data(progress: IdentityProgress) -> dict[str, Any]:
    return {
        "methods": list(progress.methods),
        "passed": list(progress.passed),
        "next_method": progress.next_method,
        "verified_at": progress.verified_at,
        "attempts_left": progress.attempts_left,
        "retry_after": progress.retry_after,
    }


def ticket_detail(ticket: WithdrawalTicket) -> dict[str, Any]:
    """The ticket's fields and its progress now (a fresh read: a service may have changed it)."""
    fresh = WithdrawalTicket.objects.select_related(
        "platform", "complaint_type", "special_case", "complaint", "stage", "route"
    ).get(pk=ticket.pk)
    data = ticket_summary(fresh)
    data["progress"] = ProgressSerializer(ticket_progress_data(ticket=fresh, now=clock.now())).data
    return data

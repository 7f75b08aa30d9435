"""A ticket as the API answers it: its fields, plus its progress as the portal's ticket page shows it."""

from datetime import datetime
from typing import Any

from apps.api.serializers import ProgressSerializer, TicketSummarySerializer
from apps.core import clock
from apps.identity.selectors import IdentityProgress, identity_progress
from apps.intake.selectors import ticket_progress
from apps.sla.selectors import localized
from apps.tickets.models import WithdrawalTicket


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
        "deadlines": [
            {"label": deadline.label, "at": deadline.at, "passed": deadline.passed, "met_at": deadline.met_at}
            for deadline in progress.deadlines
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
    data = dict(TicketSummarySerializer(fresh).data)
    data["progress"] = ProgressSerializer(ticket_progress_data(ticket=fresh, now=clock.now())).data
    return data

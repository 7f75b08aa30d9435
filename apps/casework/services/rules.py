"""What each workspace action asks of the ticket and of the person, as functions that say why not.

Each `*_refusal` returns the ApplicationError its service raises (None when the action may go
ahead). The services call them on the locked ticket; the case page calls the same functions to
show, next to each action, whether it can be done now and why not: one rule, one place.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext, gettext_lazy, pgettext

from apps.accounts.models import User
from apps.casework.services.common import (
    LOAD_STATUSES,
    agent_open_tickets,
    agent_profile,
    complaint_stage,
    handler_refusal,
    refuse,
    status_refusal,
    supervisor_refusal,
    worker_refusal,
)
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import AlternativeRoute, DocumentRequirement, Stage, Withdrawability
from apps.tickets.models import OPEN_STATUSES, TicketStatus, WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to

WORKING_STATUSES = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER)
DECIDABLE_STATUSES = WORKING_STATUSES
REOPENABLE_STATUSES = (TicketStatus.REFUSED, TicketStatus.ROUTED, TicketStatus.EXPIRED)
CLAIMABLE_STATUSES = (TicketStatus.RECEIVED, TicketStatus.WAITING_ON_REQUESTER)
ASSIGNABLE_STATUSES = LOAD_STATUSES


# ------------------------------------------------------------------------------ who holds it
def claim_refusal(ticket: WithdrawalTicket, agent: User) -> ApplicationError | None:
    """Why `agent` may not take the ticket now (scope, status, profile, load), or None."""
    if (refusal := worker_refusal(agent)) is not None:
        return refusal
    if not ticket_visible_to(user=agent).filter(pk=ticket.pk).exists():
        return refuse(gettext("This ticket is outside your platforms and team."), "out_of_scope")
    if ticket.assignee_id == agent.pk:
        return refuse(gettext("You already hold this ticket."), "already_yours")
    if ticket.assignee_id is not None:
        return refuse(
            gettext("%(agent)s has already taken this ticket.") % {"agent": ticket.assignee},
            "taken",
            assignee_id=ticket.assignee_id,
        )
    refusal = status_refusal(
        ticket,
        CLAIMABLE_STATUSES,
        gettext("Only a ticket waiting for an agent can be claimed; this one is %(status)s."),
    )
    if refusal is not None:
        return refusal
    profile = agent_profile(agent)
    if profile is None:
        return refuse(
            gettext(
                "You have no agent profile yet: ask a supervisor to set the platforms and complaint "
                "types you handle."
            ),
            "no_profile",
        )
    if not profile.platforms.filter(pk=ticket.platform_id).exists():
        return refuse(
            gettext("You do not handle %(platform)s tickets.") % {"platform": ticket.platform}, "out_of_scope"
        )
    if (
        ticket.complaint_type_id is None
        or not profile.complaint_types.filter(pk=ticket.complaint_type_id).exists()
    ):
        return refuse(
            gettext("You do not handle %(type)s complaints.") % {"type": ticket.complaint_type or "-"},
            "out_of_scope",
        )
    held = agent_open_tickets(agent)
    if held >= profile.max_open_tickets:
        return refuse(
            gettext("You already hold %(count)s open tickets, your limit. Close one before claiming another.")
            % {"count": held},
            "at_capacity",
        )
    return None


def assignment_refusal(ticket: WithdrawalTicket, actor: User) -> ApplicationError | None:
    """Why `actor` may not give the ticket to someone (or back to the queue), or None."""
    return supervisor_refusal(
        actor, gettext("Only a supervisor can assign a ticket to someone else or take it away.")
    ) or status_refusal(
        ticket,
        ASSIGNABLE_STATUSES,
        gettext("Only a ticket in the queue can be assigned; this one is %(status)s."),
    )


# ---------------------------------------------------------------------------- working on it


def contact_refusal(ticket: WithdrawalTicket, agent: User) -> ApplicationError | None:
    """Why `agent` may not log a contact on the ticket now, or None."""
    return handler_refusal(ticket, agent) or status_refusal(
        ticket,
        WORKING_STATUSES,
        gettext("A contact can be logged only on an open ticket; this one is %(status)s."),
    )


def evidence_request_refusal(ticket: WithdrawalTicket, agent: User) -> ApplicationError | None:
    """Why `agent` may not ask the requester for evidence now, or None."""
    if (refusal := handler_refusal(ticket, agent)) is not None:
        return refusal
    if ticket.status == TicketStatus.WAITING_ON_REQUESTER:
        return refuse(
            gettext("This ticket is already waiting on the requester."), "wrong_status", status=ticket.status
        )
    return status_refusal(
        ticket,
        (TicketStatus.RECEIVED, TicketStatus.ASSIGNED),
        gettext("Evidence can be asked for only on an open ticket; this one is %(status)s."),
    )


def decision_refusal(ticket: WithdrawalTicket, agent: User) -> ApplicationError | None:
    """Why `agent` may not approve, refuse or route the ticket now (whatever the decision), or None."""
    return handler_refusal(ticket, agent) or status_refusal(
        ticket, DECIDABLE_STATUSES, gettext("This ticket has already been closed: it is %(status)s.")
    )


def missing_documents(ticket: WithdrawalTicket, now: datetime) -> list[DocumentRequirement]:
    """The documents still missing before approval: those of the type, the special case and the stage."""
    required = DocumentRequirement.objects.none()
    if ticket.complaint_type_id is not None:
        required |= DocumentRequirement.objects.filter(complaint_types=ticket.complaint_type_id)
    if ticket.special_case_id is not None:
        required |= DocumentRequirement.objects.filter(special_cases=ticket.special_case_id)
    stage = complaint_stage(ticket, now)
    if stage is not None:
        required |= DocumentRequirement.objects.filter(stages=stage.pk)
    present = EvidenceFile.objects.filter(ticket=ticket, document__isnull=False).values("document_id")
    return list(required.exclude(pk__in=present).distinct().order_by("order", "code"))


def approval_refusal(
    ticket: WithdrawalTicket, *, stage: Stage | None, missing: Callable[[], list[DocumentRequirement]]
) -> ApplicationError | None:
    """Why the ticket's complaint may not be withdrawn (on top of `decision_refusal`), or None.

    `missing` gives the documents still missing (`missing_documents`); it is asked last, only when
    nothing else stands in the way.
    """
    kind = ticket.complaint_type
    if kind is not None and kind.withdrawability == Withdrawability.NEVER:
        return refuse(
            gettext("A complaint of this type (%(type)s) can never be withdrawn: refuse it with the reason.")
            % {"type": kind},
            "never_withdrawable",
        )
    if stage is not None and stage.irreversible:
        return refuse(
            gettext(
                "The complaint has been handled: it can no longer be withdrawn. Only administrative "
                "reconsideration remains."
            ),
            "irreversible",
        )
    documents = missing()
    if documents:
        return refuse(
            gettext("These documents are missing: %(documents)s.")
            % {"documents": pgettext("list separator", ", ").join(str(document) for document in documents)},
            "documents_missing",
            documents=[document.code for document in documents],
        )
    return None


def route_refusal(route: AlternativeRoute | None, *, stage: Stage | None) -> ApplicationError | None:
    """Why the ticket may not go to `route` (None: administrative reconsideration, always open), or None."""
    if route is not None and stage is not None and stage.irreversible:
        return refuse(
            gettext("The complaint has been handled: only administrative reconsideration remains."),
            "irreversible",
        )
    return None


REOPEN_SUPERVISOR_ONLY = gettext_lazy("Only a supervisor can reopen a ticket.")


def reopen_refusal(
    ticket: WithdrawalTicket, actor: User, *, stage: Callable[[], Stage | None]
) -> ApplicationError | None:
    """Why `actor` may not reopen the ticket, or None; `stage` gives its complaint's stage now."""
    refusal = supervisor_refusal(actor, str(REOPEN_SUPERVISOR_ONLY)) or status_refusal(
        ticket,
        REOPENABLE_STATUSES,
        gettext("Only a refused, routed or expired ticket can be reopened; this one is %(status)s."),
    )
    if refusal is not None:
        return refusal
    current = stage()
    if current is not None and current.irreversible:
        return refuse(
            gettext(
                "The complaint has been handled: reopening cannot change it. Only administrative "
                "reconsideration remains."
            ),
            "irreversible",
        )
    if (
        ticket.complaint_id is not None
        and WithdrawalTicket.objects.filter(complaint_id=ticket.complaint_id, status__in=OPEN_STATUSES)
        .exclude(pk=ticket.pk)
        .exists()
    ):
        return refuse(gettext("This complaint already has an open withdrawal ticket."), "duplicate")
    return None

"""What every workspace action shares: locking the ticket at a version, and who may act on it."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from apps.accounts.models import AgentProfile, User
from apps.core.compiled import compiled_rows
from apps.core.errors import ApplicationError
from apps.policy.models import Stage
from apps.sla.aging import StageSpec, stage_for_age
from apps.sla.policy import stage_specs
from apps.tickets.models import QUEUE_STATUSES, TicketStatus, WithdrawalTicket
from apps.tickets.selectors import ticket_by_number_among
from apps.tickets.services import ticket_lock_at_version

WORK_PERMISSION = "tickets.work_tickets"
SUPERVISE_PERMISSION = "tickets.supervise_tickets"
REVEAL_PERMISSION = "tickets.reveal_personal_data"
# Tickets an agent holds that count toward their load (and their most open tickets at once).
LOAD_STATUSES = QUEUE_STATUSES


def ticket_state(ticket: WithdrawalTicket) -> dict[str, Any]:
    """The ticket as it is now, for a person whose page showed an older version."""
    return {
        "version": ticket.version,
        "status": ticket.status,
        "status_label": str(TicketStatus(ticket.status).label),
        "assignee_id": ticket.assignee_id,
        "assignee": str(ticket.assignee) if ticket.assignee_id else "",
        "decided_at": ticket.decided_at.isoformat() if ticket.decided_at else None,
        "decision_reason": ticket.decision_reason,
        "updated_at": ticket.updated_at.isoformat() if ticket.updated_at else None,
    }


def _locking() -> QuerySet[WithdrawalTicket]:
    return WithdrawalTicket.objects.select_for_update(of=("self",)).select_related("assignee")


def ticket_lock(*, ticket_id: int, expected_version: int | None) -> WithdrawalTicket:
    """Lock the ticket until the transaction ends; refuse it as stale if it moved past `expected_version`.

    None skips the version check (a job, or a caller with no page). The check itself is the one of
    tickets.services.ticket_lock_at_version; the refusal here says what the ticket is now, so the
    page can show it next to what the person typed.
    """
    try:
        if expected_version is None:
            return _locking().get(pk=ticket_id)
        return ticket_lock_at_version(ticket_id=ticket_id, expected_version=expected_version)
    except WithdrawalTicket.DoesNotExist:
        raise ApplicationError(gettext("There is no such ticket."), extra={"code": "not_found"}) from None
    except ApplicationError as error:
        if error.extra.get("code") != "stale_version":
            raise
        current = _locking().get(pk=ticket_id)  # already locked by this transaction
        raise ApplicationError(
            gettext("This ticket changed while you were looking."),
            extra={"code": "stale", "version": current.version, "state": ticket_state(current)},
        ) from error


def ticket_lock_columns(
    *,
    columns: Sequence[str],
    ticket_id: int | None = None,
    reference: str | None = None,
    platform_ids: Collection[int] | None = None,
) -> WithdrawalTicket:
    """Lock the ticket until the transaction ends, reading only `columns` (no version check).

    For a hot write that touches a few of the row's forty columns: building them all is most of
    its cost. Any other column still loads on first use, inside the same transaction and lock. The
    statement is compiled once per process (apps.core.compiled). The ticket is named by its id, or
    by its number among `platform_ids` (an integration's, so that finding it is the access check).
    """
    if ticket_id is not None:
        found = compiled_rows(
            WithdrawalTicket,
            ("lock", tuple(columns)),
            lambda pk: WithdrawalTicket.objects.select_for_update(of=("self",)).only(*columns).filter(pk=pk),
            [ticket_id],
        )
        ticket = found[0] if found else None
    elif reference is not None and platform_ids is not None:
        ticket = ticket_by_number_among(
            reference=reference, platform_ids=platform_ids, columns=columns, lock=True
        )
    else:
        ticket = None
    if ticket is None:
        raise ApplicationError(gettext("There is no such ticket."), extra={"code": "not_found"})
    return ticket


def refuse(message: str, code: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, extra={"code": code, **extra})


def status_refusal(
    ticket: WithdrawalTicket, allowed: tuple[str, ...], message: str
) -> ApplicationError | None:
    """The refusal when the ticket is in none of the `allowed` statuses (saying what it is now), else None."""
    if ticket.status in allowed:
        return None
    return refuse(
        message % {"status": TicketStatus(ticket.status).label},
        "wrong_status",
        status=ticket.status,
        allowed=list(allowed),
    )


def require_status(ticket: WithdrawalTicket, allowed: tuple[str, ...], message: str) -> None:
    """Refuse unless the ticket is in one of the `allowed` statuses; say what it is now."""
    if (refusal := status_refusal(ticket, allowed, message)) is not None:
        raise refusal


def worker_refusal(user: User) -> ApplicationError | None:
    if user.is_active and user.has_perm(WORK_PERMISSION):
        return None
    return refuse(gettext("Only agents can work on tickets."), "forbidden")


def require_worker(user: User) -> None:
    if (refusal := worker_refusal(user)) is not None:
        raise refusal


def supervisor_refusal(user: User, message: str) -> ApplicationError | None:
    if user.is_active and user.has_perm(SUPERVISE_PERMISSION):
        return None
    return refuse(message, "forbidden")


def require_supervisor(user: User, message: str) -> None:
    if (refusal := supervisor_refusal(user, message)) is not None:
        raise refusal


def handler_refusal(ticket: WithdrawalTicket, user: User) -> ApplicationError | None:
    """Why `user` may not act on the ticket (they neither hold it nor supervise), or None if they may."""
    if (refusal := worker_refusal(user)) is not None:
        return refusal
    if ticket.assignee_id == user.pk or user.has_perm(SUPERVISE_PERMISSION):
        return None
    if ticket.assignee_id is None:
        return refuse(gettext("Claim this ticket before working on it."), "not_assignee")
    return refuse(
        gettext("This ticket is with %(agent)s; only they or a supervisor can act on it.")
        % {"agent": ticket.assignee},
        "not_assignee",
        assignee_id=ticket.assignee_id,
    )


def require_handler(ticket: WithdrawalTicket, user: User) -> None:
    """Refuse unless `user` holds the ticket, or supervises (a supervisor may act on any ticket)."""
    if (refusal := handler_refusal(ticket, user)) is not None:
        raise refusal


def agent_profile(user: User) -> AgentProfile | None:
    return AgentProfile.objects.filter(user=user).select_related("team").first()


def agent_open_tickets(user: User) -> int:
    return WithdrawalTicket.objects.filter(assignee=user, status__in=LOAD_STATUSES).count()


def complaint_stage(ticket: WithdrawalTicket, now: datetime) -> Stage | None:
    """The stage the ticket's complaint is in at `now`, by its age (the sweep may not have moved it yet)."""
    if ticket.complaint_filed_at is None:
        return ticket.stage
    specs: tuple[StageSpec, ...] = stage_specs()
    if not specs:
        return ticket.stage
    spec = stage_for_age(specs, now - ticket.complaint_filed_at)
    return Stage.objects.get(code=spec.code)

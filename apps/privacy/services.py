"""Writes of the privacy app: a requester's erasure request, a supervisor's decision, an export's record."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.privacy.models import DataExport, ErasureRequest, ErasureStatus
from apps.privacy.retention import tickets_erase_now, tickets_still_closed
from apps.tickets.models import OPEN_STATUSES, WithdrawalTicket

REASON_MAX_LENGTH = 500
SUPERVISE_PERMISSION = "tickets.supervise_tickets"


def _refuse(message: str, code: str, **extra: object) -> ApplicationError:
    return ApplicationError(message, extra={"code": code, **extra})


@transaction.atomic
def erasure_request_create(*, requester: User, references: Sequence[str], now: datetime) -> ErasureRequest:
    """Ask for the personal data of some of one's own closed tickets to be erased."""
    wanted = sorted({reference.strip() for reference in references if reference.strip()})
    if not wanted:
        raise _refuse(gettext("Choose at least one closed ticket."), "invalid", field="tickets")
    tickets = list(
        WithdrawalTicket.objects.select_for_update()
        .filter(requester=requester, reference__in=wanted).order_by("reference")
    )
    if len(tickets) != len(wanted):
        raise _refuse(gettext("There is no such ticket."), "not_found", field="tickets")
    still_open = [ticket.reference for ticket in tickets if ticket.status in OPEN_STATUSES]
    if still_open:
        raise _refuse(
            gettext("Only closed tickets can be erased; %(tickets)s is still open.")
            % {"tickets": ", ".join(still_open)},
            "ticket_open", field="tickets",
        )
    asked = ErasureRequest.objects.filter(
        tickets__in=tickets, status__in=[ErasureStatus.REQUESTED, ErasureStatus.APPROVED, ErasureStatus.DONE]
    ).values_list("tickets__reference", flat=True)
    already = sorted(set(asked) & set(wanted))
    if already:
        raise _refuse(
            gettext("You have already asked for %(tickets)s to be erased.") % {"tickets": ", ".join(already)},
            "already_requested", field="tickets",
        )
    request = ErasureRequest.objects.create(requester=requester, requested_at=now)
    request.tickets.set(tickets)
    return request


def _decision_refusal(request: ErasureRequest, supervisor: User, reason: str) -> ApplicationError | None:
    if not (supervisor.is_active and supervisor.has_perm(SUPERVISE_PERMISSION)):
        return _refuse(gettext("Only a supervisor may decide erasure requests."), "forbidden")
    if request.status != ErasureStatus.REQUESTED:
        return _refuse(gettext("This request has already been decided."), "stale")
    if not reason:
        return _refuse(gettext("Give the reason for the decision: the requester sees it."), "invalid",
                       field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        return _refuse(gettext("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
                       "invalid", field="reason")
    return None


@transaction.atomic
def erasure_request_decide(
    *, request_id: int, supervisor: User, approve: bool, reason: str, now: datetime
) -> ErasureRequest:
    """Approve (and erase at once) or reject a pending erasure request, with a reason the requester sees."""
    request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise _refuse(gettext("There is no such request."), "not_found")
    reason = reason.strip()
    if (refusal := _decision_refusal(request, supervisor, reason)) is not None:
        raise refusal
    request.decided_by, request.decided_at, request.reason = supervisor, now, reason
    if not approve:
        request.status = ErasureStatus.REJECTED
        request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        return request
    wanted = list(request.tickets.values_list("pk", flat=True))
    closed = tickets_still_closed(wanted)
    if len(closed) != len(wanted):
        raise _refuse(
            gettext("A ticket of this request has been reopened: decide it once it is closed again."),
            "ticket_open",
        )
    tickets_erase_now(request=request, ticket_ids=closed, now=now)
    request.status, request.done_at = ErasureStatus.DONE, now
    request.save(update_fields=["status", "decided_by", "decided_at", "reason", "done_at"])
    return request


def data_export_record(*, requester: User, size: int, tickets: int, files: int, now: datetime) -> DataExport:
    """Record that a requester downloaded their data (the supervisors' access report lists it)."""
    return DataExport.objects.create(requester=requester, created_at=now, size_bytes=size, tickets=tickets,
                                     files=files)

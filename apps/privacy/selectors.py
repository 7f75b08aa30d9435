"""Reads of the privacy app: a requester's own requests, the supervisors' queue."""

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import User
from apps.privacy.models import ErasureRequest, ErasureStatus, RetentionPolicy
from apps.tickets.models import OPEN_STATUSES, WithdrawalTicket

QUEUE_DECIDED_SHOWN = 30


def _with_tickets(requests: QuerySet[ErasureRequest]) -> QuerySet[ErasureRequest]:
    tickets = WithdrawalTicket.objects.only("id", "reference", "status").order_by("reference")
    return requests.select_related("requester", "decided_by").prefetch_related(Prefetch("tickets", tickets))


def erasure_requests_of(*, requester: User) -> list[ErasureRequest]:
    return list(_with_tickets(ErasureRequest.objects.filter(requester=requester)))


def erasure_requests_pending() -> list[ErasureRequest]:
    """The requests waiting for a supervisor, oldest first."""
    pending = ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED).order_by("requested_at", "id")
    return list(_with_tickets(pending))


def erasure_requests_decided() -> list[ErasureRequest]:
    """The latest decisions, newest first."""
    decided = ErasureRequest.objects.filter(decided_at__isnull=False).order_by("-decided_at", "-id")
    return list(_with_tickets(decided)[:QUEUE_DECIDED_SHOWN])


def erasable_tickets(*, requester: User) -> list[WithdrawalTicket]:
    """The requester's tickets for the erasure form: closed ones can be chosen, open ones are greyed."""
    return list(
        WithdrawalTicket.objects.filter(requester=requester).exclude(status="draft")
        .select_related("platform").order_by("-created_at")
    )


def ticket_is_open(ticket: WithdrawalTicket) -> bool:
    return ticket.status in OPEN_STATUSES


def retention_periods() -> list[RetentionPolicy]:
    return list(RetentionPolicy.objects.order_by("kind"))

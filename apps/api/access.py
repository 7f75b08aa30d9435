"""Which records a caller reaches, and as whom it acts: the same rules as the web pages.

A person signed in sees what `ticket_visible_to` gives them, and advances only their own intake.
An API key sees the tickets of its integration's platforms and nothing else; a record outside
them is answered 404, so its existence is not revealed.
"""

from collections.abc import Sequence
from typing import cast

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from apps.accounts.models import User
from apps.api.services import api_requester_missing, integration_agent_get_or_create
from apps.conversation.models import Attachment, MessageKind
from apps.evidence.models import EvidenceFile
from apps.evidence.selectors import evidence_for_viewer
from apps.integrations.permissions import api_key_of, integration_platform_ids
from apps.integrations.scopes import Scope
from apps.tickets.models import WithdrawalTicket
from apps.tickets.selectors import ticket_by_number_among, ticket_visible_to

REQUEST_PERMISSION = "tickets.request_withdrawal"
WORK_PERMISSION = "tickets.work_tickets"


def request_person(request: Request) -> User | None:
    """The signed-in person, or None for an API key."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def tickets_for_caller(request: Request) -> QuerySet[WithdrawalTicket]:
    """Every ticket the caller may see."""
    platform_ids = integration_platform_ids(request)
    if platform_ids is not None:
        return WithdrawalTicket.objects.filter(platform_id__in=platform_ids)
    person = request_person(request)
    return ticket_visible_to(user=person) if person else WithdrawalTicket.objects.none()


def ticket_for_caller(request: Request, reference: str, *, only: Sequence[str] = ()) -> WithdrawalTicket:
    """The ticket with this number if the caller may see it; else 404, never 403.

    `only` names the columns a hot endpoint needs (the others load on first use, one query each):
    a ticket row has some forty, and reading and building them all is most of a small read's cost.
    """
    if api_key_of(request) is None and request_person(request) is None:
        raise Http404("No such ticket.")
    platform_ids = integration_platform_ids(request)
    if only and platform_ids is not None:  # a key: the same statement each time, compiled once
        ticket = ticket_by_number_among(reference=reference, platform_ids=platform_ids, columns=only)
    else:
        tickets = tickets_for_caller(request)
        ticket = (tickets.only(*only) if only else tickets).filter(reference=reference).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def intake_ticket_and_requester(request: Request, reference: str) -> tuple[WithdrawalTicket, User]:
    """The ticket whose intake the caller advances, and the requester it acts as.

    A person advances only their own tickets' intake (an agent who may see a draft still gets
    404, as on the portal); a key acts as the ticket's requester.
    """
    ticket = ticket_for_caller(request, reference)
    person = request_person(request)
    if person is not None:
        if ticket.requester_id != person.pk:
            raise Http404("No such ticket.")
        return ticket, person
    if ticket.requester is None:
        raise api_requester_missing()
    return ticket, ticket.requester


def acting_agent(request: Request) -> User:
    """Who acts as the agent: the person signed in, or the key's integration service user."""
    key = api_key_of(request)
    if key is not None:
        cached = getattr(request, "_api_agent", None)
        if cached is None:
            cached = integration_agent_get_or_create(integration=key.integration)
            request._api_agent = cached  # type: ignore[attr-defined]
        return cast(User, cached)
    person = request_person(request)
    if person is None:
        raise PermissionDenied()
    return person


def sees_case_details(request: Request) -> bool:
    """Keys and agents see who did what; a requester sees the timeline as the portal shows it."""
    if api_key_of(request) is not None:
        return True
    person = request_person(request)
    return bool(person and person.has_perm(WORK_PERMISSION))


def evidence_for_caller(request: Request, pk: int) -> EvidenceFile:
    """One evidence file of a ticket the caller may see; else 404."""
    if api_key_of(request) is not None:
        evidence = (
            EvidenceFile.objects.filter(pk=pk, ticket__in=tickets_for_caller(request))
            .select_related("ticket", "tier")
            .first()
        )
        if evidence is None:
            raise Http404("No such evidence file.")
        return evidence
    person = request_person(request)
    if person is None:
        raise Http404("No such evidence file.")
    return evidence_for_viewer(user=person, pk=pk)


def sees_notes(request: Request, ticket: WithdrawalTicket | None) -> bool:
    """Whether the caller reads (and may write) the ticket's internal notes: staff only.

    An agent or supervisor does; a key only with the `notes` scope an administrator ticked for it;
    the ticket's own requester never, even one who also works here. A key needs no ticket.
    """
    key = api_key_of(request)
    if key is not None:
        return key.has_scope(Scope.NOTES)
    person = request_person(request)
    if person is None or ticket is None or person.pk == ticket.requester_id:
        return False
    return person.has_perm(WORK_PERMISSION)


def attachment_for_caller(request: Request, pk: int) -> Attachment:
    """One file of a ticket's thread the caller may see (a note's only for note readers); else 404."""
    attachment = (
        Attachment.objects.filter(pk=pk, ticket__in=tickets_for_caller(request))
        .select_related("message", "ticket")
        .first()
    )
    if attachment is None or (
        attachment.message.kind == MessageKind.NOTE and not sees_notes(request, attachment.ticket)
    ):
        raise Http404("No such attachment.")
    return attachment


def person_permission_check(request: Request, permission: str) -> None:
    """Refuse (403) a signed-in person without `permission`; keys are checked by their scopes."""
    if api_key_of(request) is not None:
        return
    person = request_person(request)
    if person is None or not person.has_perm(permission):
        raise PermissionDenied()

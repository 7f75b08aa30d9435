"""Reads of tickets, always through who may see them: requesters their own, agents their scope."""

from collections.abc import Collection, Sequence

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import AgentProfile, User
from apps.core.compiled import compiled_rows
from apps.tickets.models import WithdrawalTicket


def ticket_scope_q(*, user: User) -> Q | None:
    """Return the filter of the tickets `user` may see, or None when they may see none.

    Supervisors see every ticket. Agents see the tickets of their platforms, of their team and
    those assigned to them. Anyone else (a requester) sees only the tickets they asked for.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.has_perm("tickets.supervise_tickets"):
        return Q()
    if user.has_perm("tickets.work_tickets"):
        scope = Q(assignee=user)
        profile = AgentProfile.objects.filter(user=user).first()
        if profile is not None:
            platform_ids = list(profile.platforms.values_list("pk", flat=True))
            if platform_ids:
                scope |= Q(platform_id__in=platform_ids)
            if profile.team_id is not None:
                scope |= Q(team_id=profile.team_id)
        return scope
    return Q(requester=user)


def ticket_visible_to(*, user: User) -> QuerySet[WithdrawalTicket]:
    """Return the tickets `user` may see (empty for anonymous or inactive users)."""
    scope = ticket_scope_q(user=user)
    if scope is None:
        return WithdrawalTicket.objects.none()
    return WithdrawalTicket.objects.filter(scope)


def ticket_get_for_viewer(*, user: User, reference: str) -> WithdrawalTicket:
    """Return the ticket with this number if `user` may see it; otherwise 404, never 403.

    A 404 does not tell a curious requester that someone else's ticket number exists.
    """
    ticket = ticket_visible_to(user=user).filter(reference=reference).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def ticket_by_number_among(
    *, reference: str, platform_ids: Collection[int], columns: Sequence[str], lock: bool = False
) -> WithdrawalTicket | None:
    """The ticket with this number if it is of one of `platform_ids` (an integration's), else None.

    Reads only `columns` (the others load on first use); `lock` holds the row until the transaction
    ends, so that finding the ticket is the access check of the write that follows. One statement,
    compiled once per process (apps.core.compiled).
    """
    ids = sorted(platform_ids)
    if not ids:
        return None

    def build(number: str, *platforms: int) -> QuerySet[WithdrawalTicket]:
        tickets = WithdrawalTicket.objects.all()
        if lock:
            tickets = tickets.select_for_update(of=("self",))
        return tickets.only(*columns).filter(reference=number).filter(platform_id__in=platforms)

    found = compiled_rows(
        WithdrawalTicket, ("by_number", lock, tuple(columns), len(ids)), build, [reference, *ids]
    )
    return found[0] if found else None

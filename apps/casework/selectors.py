"""Reads of the workspace: reply templates, route choices, notices, agents' load."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from apps.accounts.models import AgentProfile, User
from apps.casework.models import Notification, ReplyTemplate
from apps.casework.services.actions import ADMINISTRATIVE_RECONSIDERATION
from apps.casework.services.common import LOAD_STATUSES, complaint_stage
from apps.core.errors import ApplicationError
from apps.policy.models import AlternativeRoute
from apps.tickets.models import WithdrawalTicket


def reply_templates_offered() -> QuerySet[ReplyTemplate]:
    """The refusal replies agents may pick, in their order."""
    return ReplyTemplate.objects.filter(active=True).order_by("order", "code")


@dataclass(frozen=True)
class RouteChoice:
    value: str  # the route's code, or ADMINISTRATIVE_RECONSIDERATION
    label: str
    route: AlternativeRoute | None


def route_choices(*, ticket: WithdrawalTicket, now: datetime) -> list[RouteChoice]:
    """Where this ticket may be sent: a handled complaint only to administrative reconsideration."""
    reconsideration = RouteChoice(
        ADMINISTRATIVE_RECONSIDERATION, gettext("administrative reconsideration"), None
    )
    stage = complaint_stage(ticket, now)
    if stage is not None and stage.irreversible:
        return [reconsideration]
    routes = AlternativeRoute.objects.order_by("order", "code")
    return [*(RouteChoice(route.code, str(route), route) for route in routes), reconsideration]


def notifications_for(*, user: User, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The user's latest notices, newest first, with their tickets (one query)."""
    query = Notification.objects.filter(recipient=user).select_related("ticket")
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return list(query.order_by("-created_at", "-pk")[:limit])


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class AgentLoad:
    user_id: int
    name: str
    open_tickets: int
    max_open_tickets: int
    accepts_assignments: bool


def agent_loads() -> list[AgentLoad]:
    """Every agent's open tickets against their limit (one query), busiest first."""
    profiles = (
        AgentProfile.objects.select_related("user")
        .annotate(
            open_tickets=Count(
                "user__assigned_tickets", filter=Q(user__assigned_tickets__status__in=LOAD_STATUSES)
            )
        )
        .order_by("-open_tickets", "user_id")
    )
    return [
        AgentLoad(
            user_id=profile.user_id,
            name=str(profile.user),
            open_tickets=profile.open_tickets,
            max_open_tickets=profile.max_open_tickets,
            accepts_assignments=profile.accepts_assignments,
        )
        for profile in profiles
    ]


def route_by_code(*, code: str) -> AlternativeRoute | None:
    """The route a channel names by its code; None is administrative reconsideration.

    An unknown code is refused with the codes there are, never read as reconsideration.
    """
    if code == ADMINISTRATIVE_RECONSIDERATION:
        return None
    route = AlternativeRoute.objects.filter(code=code).first()
    if route is None:
        codes = [*AlternativeRoute.objects.values_list("code", flat=True), ADMINISTRATIVE_RECONSIDERATION]
        message = gettext("Unknown route. Use one of: %(codes)s.") % {"codes": ", ".join(codes)}
        raise ApplicationError(message, extra={"code": "invalid", "fields": {"route": [message]}})
    return route

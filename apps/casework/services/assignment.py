"""Who holds a ticket: agents claim, supervisors assign and reassign, a job assigns in service hours."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from apps.accounts.models import AgentProfile, User
from apps.casework.models import NotificationKind
from apps.casework.services.common import (
    LOAD_STATUSES,
    SUPERVISE_PERMISSION,
    WORK_PERMISSION,
    agent_profile,
    refuse,
    require_supervisor,
    require_worker,
    ticket_lock,
)
from apps.casework.services.notifications import NotificationRow, notifications_create_bulk
from apps.casework.services.rules import ASSIGNABLE_STATUSES, assignment_refusal, claim_refusal
from apps.core import clock
from apps.notifications.triggers import requesters_tell_of
from apps.policy.models import PolicySettings
from apps.sla.hours import ServiceWindow
from apps.sla.policy import working_calendar
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket

AUTO_ASSIGN_BATCH_SIZE = 200
AUTO_ASSIGN_MAX_BATCHES = 10
BULK_ASSIGN_LIMIT = 500
AUTO_ASSIGN_ACTOR = "auto-assign"
ASSIGNMENT_UPDATE_FIELDS = ["assignee", "assigned_at", "team", "status", "version", "updated_at"]


# ------------------------------------------------------------------------------------ the change
def _apply_assignment(
    ticket: WithdrawalTicket,
    agent: User | None,
    *,
    team_id: int | None,
    now: datetime,
    actor: User | None,
    actor_label: str,
    via: str,
) -> TicketEvent:
    """Change who holds the ticket in memory and return its (unsaved) event.

    Taking the ticket moves it from received to assigned; taking it away moves it back, so it
    waits in the queue again. A ticket waiting on its requester keeps waiting either way.
    """
    old_assignee, old_assignee_id, old_status = ticket.assignee, ticket.assignee_id, ticket.status
    ticket.assignee = agent
    ticket.assigned_at = now if agent is not None else None
    if agent is not None and team_id is not None:
        ticket.team_id = team_id
    if agent is not None and ticket.status == TicketStatus.RECEIVED:
        ticket.status = TicketStatus.ASSIGNED
    elif agent is None and ticket.status == TicketStatus.ASSIGNED:
        ticket.status = TicketStatus.RECEIVED
    ticket.version += 1
    ticket.updated_at = now
    data: dict[str, Any] = {
        "field": "assignee",
        "from_id": old_assignee_id,
        "to_id": agent.pk if agent is not None else None,
        "via": via,
    }
    if ticket.status != old_status:
        data.update(status_from=old_status, status_to=ticket.status)
    return TicketEvent(
        ticket=ticket,
        kind=EventKind.ASSIGNED,
        actor=actor,
        actor_label=actor_label,
        from_value=str(old_assignee) if old_assignee_id else "",
        to_value=str(agent) if agent is not None else "",
        data=data,
        occurred_at=now,
        dedupe_key=f"{via}:{ticket.pk}:{ticket.version}" if via == AUTO_ASSIGN_ACTOR else None,
    )


def _assigned_notice(ticket: WithdrawalTicket, agent: User, by: User | None) -> NotificationRow:
    return NotificationRow(
        recipient_id=agent.pk,
        kind=NotificationKind.ASSIGNED,
        ticket_id=ticket.pk,
        dedupe_key=f"assigned:{ticket.pk}:{ticket.version}",
        data={"by": str(by) if by is not None else ""},
    )


def _save_assignment(
    ticket: WithdrawalTicket, agent: User | None, *, actor: User, via: str, now: datetime
) -> WithdrawalTicket:
    profile = agent_profile(agent) if agent is not None else None
    event = _apply_assignment(
        ticket,
        agent,
        team_id=profile.team_id if profile else None,
        now=now,
        actor=actor,
        actor_label="",
        via=via,
    )
    ticket.save(update_fields=ASSIGNMENT_UPDATE_FIELDS)
    event.save()
    if agent is not None and agent.pk != actor.pk:
        notifications_create_bulk(rows=[_assigned_notice(ticket, agent, actor)], email=True)
    return ticket


def _require_active_agent(agent: User) -> None:
    if not (agent.is_active and agent.has_perm(WORK_PERMISSION)):
        raise refuse(
            gettext("%(name)s is not an active agent: tickets can only go to active agents.")
            % {"name": agent},
            "not_an_agent",
        )


# ------------------------------------------------------------------------------------- services
@transaction.atomic
def ticket_claim(*, ticket_id: int, agent: User, expected_version: int | None = None) -> WithdrawalTicket:
    """Let an agent take an unassigned ticket of their platforms, complaint types and team."""
    require_worker(agent)
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if (refusal := claim_refusal(ticket, agent)) is not None:
        raise refusal
    return _save_assignment(ticket, agent, actor=agent, via="claim", now=clock.now())


@transaction.atomic
def ticket_assign(
    *, ticket_id: int, agent: User | None, actor: User, expected_version: int | None = None
) -> WithdrawalTicket:
    """Give a ticket to an agent, move it to another, or (agent None) put it back in the queue.

    Only a supervisor assigns to others or takes a ticket away; an agent assigning to themselves
    claims it, under the claim's rules.
    """
    require_worker(actor)
    if not actor.has_perm(SUPERVISE_PERMISSION):
        if agent is not None and agent.pk == actor.pk:
            return ticket_claim(ticket_id=ticket_id, agent=actor, expected_version=expected_version)
        raise refuse(
            gettext("Only a supervisor can assign a ticket to someone else or take it away."), "forbidden"
        )
    if agent is not None:
        _require_active_agent(agent)
    ticket = ticket_lock(ticket_id=ticket_id, expected_version=expected_version)
    if (refusal := assignment_refusal(ticket, actor)) is not None:
        raise refusal
    if ticket.assignee_id == (agent.pk if agent is not None else None):
        return ticket
    return _save_assignment(ticket, agent, actor=actor, via="assign", now=clock.now())


@dataclass
class BulkAssignment:
    assigned: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def tickets_assign_bulk(*, ticket_ids: Sequence[int], agent: User | None, actor: User) -> BulkAssignment:
    """Assign (or, agent None, unassign) many tickets at once; say why each one left out was."""
    require_supervisor(actor, gettext("Only a supervisor can assign tickets in bulk."))
    ids = sorted(set(ticket_ids))
    if len(ids) > BULK_ASSIGN_LIMIT:
        raise refuse(
            gettext("Assign at most %(limit)s tickets at once.") % {"limit": BULK_ASSIGN_LIMIT}, "too_many"
        )
    profile = None
    if agent is not None:
        _require_active_agent(agent)
        profile = agent_profile(agent)
    now = clock.now()
    # Locked in id order, as every bulk writer does, so two bulk changes cannot deadlock.
    tickets = list(
        WithdrawalTicket.objects.select_for_update(of=("self",))
        .select_related("assignee")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    result = BulkAssignment()
    found = {ticket.pk for ticket in tickets}
    for missing in ids:
        if missing not in found:
            result.skipped[missing] = gettext("There is no such ticket.")
    changed: list[WithdrawalTicket] = []
    events: list[TicketEvent] = []
    for ticket in tickets:
        if ticket.status not in ASSIGNABLE_STATUSES:
            result.skipped[ticket.pk] = gettext("It is %(status)s, no longer in the queue.") % {
                "status": TicketStatus(ticket.status).label
            }
            continue
        if ticket.assignee_id == (agent.pk if agent is not None else None):
            result.skipped[ticket.pk] = gettext("It is already there.")
            continue
        events.append(
            _apply_assignment(
                ticket,
                agent,
                team_id=profile.team_id if profile else None,
                now=now,
                actor=actor,
                actor_label="",
                via="assign",
            )
        )
        changed.append(ticket)
        result.assigned.append(ticket.pk)
    if changed:
        WithdrawalTicket.objects.bulk_update(changed, ASSIGNMENT_UPDATE_FIELDS)
        TicketEvent.objects.bulk_create(events)
        requesters_tell_of(events, now=now)  # bulk_create sends no signal: tell them in one go
        if agent is not None and agent.pk != actor.pk:
            notifications_create_bulk(
                rows=[_assigned_notice(ticket, agent, actor) for ticket in changed], email=True
            )
    return result


# ------------------------------------------------------------------------------ auto-assignment
def service_hours_open(*, now: datetime) -> bool:
    """Whether customer service is open at `now`: the policy's daily window (and its holidays)."""
    policy = PolicySettings.objects.get()
    window = ServiceWindow(
        opens=policy.service_opens_at,
        closes=policy.service_closes_at,
        tz=ZoneInfo(policy.time_zone),
        open_on_holidays=policy.service_on_holidays,
    )
    calendar = None if window.open_on_holidays else working_calendar(today=now.date())
    return window.contains(now, calendar)


@dataclass
class _Candidate:
    user: User
    team_id: int | None
    load: int
    limit: int
    platforms: set[int] = field(default_factory=set)
    types: set[int] = field(default_factory=set)


def _candidates() -> list[_Candidate]:
    """Agents who take new work now, with their load, platforms and types: three queries in all."""
    holds_work = (
        Q(is_superuser=True)
        | Q(
            groups__permissions__codename="work_tickets",
            groups__permissions__content_type__app_label="tickets",
        )
        | Q(user_permissions__codename="work_tickets", user_permissions__content_type__app_label="tickets")
    )
    workers = User.objects.filter(holds_work, is_active=True).values("pk")
    load = (
        WithdrawalTicket.objects.filter(assignee=OuterRef("user_id"), status__in=LOAD_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(count=Count("pk"))
        .values("count")
    )
    profiles = list(
        AgentProfile.objects.filter(accepts_assignments=True, user__in=Subquery(workers))
        .annotate(load=Coalesce(Subquery(load), Value(0)))
        .filter(load__lt=F("max_open_tickets"))
        .select_related("user")
        .order_by("user_id")
    )
    by_profile = {
        profile.pk: _Candidate(
            user=profile.user,
            team_id=profile.team_id,
            load=profile.load,
            limit=profile.max_open_tickets,
        )
        for profile in profiles
    }
    if not by_profile:
        return []
    platforms = AgentProfile.platforms.through.objects.filter(agentprofile_id__in=list(by_profile))
    for profile_id, platform_id in platforms.values_list("agentprofile_id", "platform_id"):
        by_profile[profile_id].platforms.add(platform_id)
    types = AgentProfile.complaint_types.through.objects.filter(agentprofile_id__in=list(by_profile))
    for profile_id, type_id in types.values_list("agentprofile_id", "complainttype_id"):
        by_profile[profile_id].types.add(type_id)
    return list(by_profile.values())


@dataclass
class AutoAssignResult:
    in_service_hours: bool
    assigned: int = 0
    batches: int = 0


Cursor = tuple[datetime, int] | None


@dataclass
class _Batch:
    looked_at: int
    assigned: int
    cursor: Cursor
    capacity_left: bool


def _auto_assign_batch(now: datetime, batch_size: int, after: Cursor) -> _Batch:
    """Assign one batch of waiting tickets after `after` (in order of receipt)."""
    waiting = WithdrawalTicket.objects.filter(status=TicketStatus.RECEIVED, assignee__isnull=True)
    if after is not None:
        waiting = waiting.filter(Q(received_at__gt=after[0]) | Q(received_at=after[0], pk__gt=after[1]))
    with transaction.atomic():
        # SKIP LOCKED: a ticket an agent is claiming right now is left to them.
        tickets = list(
            waiting.order_by("received_at", "pk").select_for_update(skip_locked=True, of=("self",))[
                :batch_size
            ]
        )
        if not tickets:
            return _Batch(0, 0, after, capacity_left=False)
        last = tickets[-1]
        cursor: Cursor = (last.received_at, last.pk) if last.received_at is not None else None
        candidates = _candidates()
        changed: list[WithdrawalTicket] = []
        events: list[TicketEvent] = []
        for ticket in tickets:
            able = [
                candidate
                for candidate in candidates
                if candidate.load < candidate.limit
                and ticket.platform_id in candidate.platforms
                and ticket.complaint_type_id in candidate.types
            ]
            if not able:
                continue
            chosen = min(able, key=lambda candidate: (candidate.load, candidate.user.pk))
            chosen.load += 1
            events.append(
                _apply_assignment(
                    ticket,
                    chosen.user,
                    team_id=chosen.team_id,
                    now=now,
                    actor=None,
                    actor_label=AUTO_ASSIGN_ACTOR,
                    via=AUTO_ASSIGN_ACTOR,
                )
            )
            changed.append(ticket)
        if changed:
            WithdrawalTicket.objects.bulk_update(changed, ASSIGNMENT_UPDATE_FIELDS)
            TicketEvent.objects.bulk_create(events, ignore_conflicts=True)
            requesters_tell_of(events, now=now)  # bulk_create sends no signal: tell them in one go
            notices = [
                _assigned_notice(ticket, ticket.assignee, None) for ticket in changed if ticket.assignee
            ]
            notifications_create_bulk(rows=notices, email=True)
        return _Batch(
            len(tickets),
            len(changed),
            cursor,
            capacity_left=any(candidate.load < candidate.limit for candidate in candidates),
        )


def tickets_auto_assign(*, now: datetime, batch_size: int = AUTO_ASSIGN_BATCH_SIZE) -> AutoAssignResult:
    """Give received, unassigned tickets to the least-loaded agent who handles them, in service hours only.

    An agent takes new work while they accept assignments and hold fewer than their most open
    tickets; a ticket nobody can take waits for the next run. Each batch is one transaction with a
    fixed number of queries, whatever its size.
    """
    if not service_hours_open(now=now):
        return AutoAssignResult(in_service_hours=False)
    result = AutoAssignResult(in_service_hours=True)
    cursor: Cursor = None
    for _batch in range(AUTO_ASSIGN_MAX_BATCHES):
        batch = _auto_assign_batch(now, batch_size, cursor)
        result.batches += 1 if batch.looked_at else 0
        result.assigned += batch.assigned
        cursor = batch.cursor
        # The queue is done, or every agent is full: the rest waits for the next run.
        if batch.looked_at < batch_size or not batch.capacity_left or cursor is None:
            break
    return result

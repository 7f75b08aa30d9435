"""Writes of the clock: start a submitted ticket's clock, and recompute deadlines after a policy change."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.policy.models import Stage
from apps.sla.deadlines import ClockPolicy, ticket_clock
from apps.sla.policy import clock_policy_load
from apps.sla.transitions import CLOCKED, next_transition
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, StageEntry, TicketStatus, WithdrawalTicket

RECOMPUTE_BATCH_SIZE = 1000
CLOCK_FIELDS = [
    "received_at",
    "complaint_filed_at",
    "stage",
    "stage_entered_at",
    "stage_ends_at",
    "first_contact_due_at",
    "decision_due_at",
    "complaint_resolution_at",
    "deadlines_provisional",
]


def _apply_clock(
    ticket: WithdrawalTicket, policy: ClockPolicy, stages: dict[str, Stage], now: datetime
) -> None:
    if ticket.complaint is None or ticket.submitted_at is None:
        raise ApplicationError("A ticket's clock starts only once its complaint and submission are known.")
    result = ticket_clock(
        policy,
        platform=ticket.platform.code,
        complaint_type=ticket.complaint.complaint_type.code,
        filed_at=ticket.complaint.filed_at,
        submitted_at=ticket.submitted_at,
        at=now,
        paused=timedelta(seconds=ticket.paused_seconds),
    )
    ticket.complaint_filed_at = ticket.complaint.filed_at
    ticket.received_at = result.received_at
    ticket.first_contact_due_at = result.first_contact_due_at
    ticket.decision_due_at = result.decision_due_at
    ticket.complaint_resolution_at = result.complaint_resolution_at
    ticket.deadlines_provisional = result.provisional
    stage = stages[result.stage.code]
    # A different stage is the sweep's to enter, with its events; here only the window is refreshed.
    if ticket.stage_id is None or ticket.stage_id == stage.pk:
        ticket.stage = stage
        ticket.stage_entered_at = result.stage_entered_at
        ticket.stage_ends_at = result.stage_ends_at


@transaction.atomic
def ticket_clock_start(
    *, ticket_id: int, submitted_at: datetime, now: datetime, actor: User | None = None
) -> WithdrawalTicket:
    """Submit a ticket to the clock: receipt (now, or the next opening), stage and deadlines.

    The ticket must have its complaint and still be a draft. The stage and deadline moves after
    this are the sweep's; it picks the ticket up through `next_transition_at`.
    """
    ticket = (
        WithdrawalTicket.objects.select_for_update(of=("self",))
        .select_related("platform", "complaint__complaint_type")
        .get(pk=ticket_id)
    )
    if ticket.status != TicketStatus.DRAFT:
        raise ApplicationError("This ticket has already been submitted.", extra={"status": ticket.status})
    if ticket.complaint is None:
        raise ApplicationError("Confirm the complaint number before submitting.")
    policy = clock_policy_load(today=now.date())
    stages = {stage.code: stage for stage in Stage.objects.all()}
    ticket.submitted_at = submitted_at
    _apply_clock(ticket, policy, stages, now)
    received = ticket.received_at is not None and ticket.received_at <= now
    ticket.status = TicketStatus.RECEIVED if received else TicketStatus.SUBMITTED
    ticket.next_transition_at = next_transition(ticket)
    ticket.version += 1
    ticket.save(
        update_fields=[*CLOCK_FIELDS, "submitted_at", "status", "next_transition_at", "version", "updated_at"]
    )
    if ticket.stage_entered_at is not None:
        StageEntry.objects.get_or_create(
            ticket=ticket, stage=ticket.stage, defaults={"entered_at": ticket.stage_entered_at}
        )
    event_record(
        ticket=ticket,
        kind=EventKind.SUBMITTED,
        actor=actor,
        occurred_at=submitted_at,
        from_value=TicketStatus.DRAFT,
        to_value=TicketStatus.SUBMITTED,
        data={"received_at": ticket.received_at.isoformat() if ticket.received_at else None},
    )
    if received:
        event_record(
            ticket=ticket,
            kind=EventKind.RECEIVED,
            actor_label="clock",
            occurred_at=ticket.received_at,
            from_value=TicketStatus.SUBMITTED,
            to_value=TicketStatus.RECEIVED,
            dedupe_key=f"received:{ticket.pk}",
        )
    return ticket


def clock_recompute(*, ticket_ids: Iterable[int] | None = None, now: datetime) -> int:
    """Recompute the stored deadlines of open tickets after a policy or calendar change.

    Stage moves are left to the sweep: every recomputed ticket is made due now.
    """
    policy = clock_policy_load(today=now.date())
    stages = {stage.code: stage for stage in Stage.objects.all()}
    query = WithdrawalTicket.objects.filter(status__in=CLOCKED, complaint__isnull=False).order_by("pk")
    if ticket_ids is not None:
        query = query.filter(pk__in=list(ticket_ids))
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                query.filter(pk__gt=last_pk)
                .select_for_update(of=("self",))
                .select_related("platform", "complaint__complaint_type")[:RECOMPUTE_BATCH_SIZE]
            )
            if not batch:
                return done
            for ticket in batch:
                _apply_clock(ticket, policy, stages, now)
                ticket.next_transition_at = now
                ticket.version += 1
            WithdrawalTicket.objects.bulk_update(batch, [*CLOCK_FIELDS, "next_transition_at", "version"])
        done += len(batch)
        last_pk = batch[-1].pk

"""The domain's figures, read at scrape time with a few aggregate queries on indexed columns.

Each read is one query whose rows come from a partial index (the queue, the sweep, the outbox
and webhook backlogs); none walks a whole table. The collector turns the figures into gauges.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from apps.core import clock
from apps.integrations.models import DeliveryStatus, WebhookDelivery
from apps.outbound.models import IN_FLIGHT, OutboundMessage
from apps.tickets.models import QUEUE_STATUSES, EventKind, TicketEvent, TicketStatus, WithdrawalTicket

BREACH_WINDOW = timedelta(hours=1)
NO_STAGE = "none"
DEADLINES = ("first_contact", "decision")


@dataclass(frozen=True)
class DomainFigures:
    """What the collector exposes; ages and lags in seconds, 0 when nothing is waiting."""

    tickets_open: dict[tuple[str, str], int] = field(default_factory=dict)  # (stage code, status)
    tickets_breached_open: dict[str, int] = field(default_factory=dict)  # deadline -> tickets
    breaches_last_hour: dict[str, int] = field(default_factory=dict)  # deadline -> breach events
    sweep_lag_seconds: float = 0.0
    outbox_backlog: dict[str, int] = field(default_factory=dict)  # status -> messages
    outbox_oldest_age_seconds: float = 0.0
    webhook_backlog: int = 0
    webhook_oldest_age_seconds: float = 0.0


def _age(now: datetime, oldest: datetime | None) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0


def tickets_open_count() -> dict[tuple[str, str], int]:
    """Tickets in the queue by stage and status (the queue's partial index), and those submitted
    outside service hours, waiting for their receipt (the sweep's index: the receipt is their
    next clock boundary)."""
    queue = (
        WithdrawalTicket.objects.filter(status__in=QUEUE_STATUSES)
        .order_by()
        .values_list("stage__code", "status")
        .annotate(count=Count("id"))
    )
    submitted = (
        WithdrawalTicket.objects.filter(next_transition_at__isnull=False, status=TicketStatus.SUBMITTED)
        .order_by()
        .values_list("stage__code", "status")
        .annotate(count=Count("id"))
    )
    return {(stage or NO_STAGE, status): count for stage, status, count in [*queue, *submitted]}


def tickets_breached_open_count() -> dict[str, int]:
    """Open tickets in the queue that missed a deadline (the queue's partial `breached` index)."""
    figures = WithdrawalTicket.objects.filter(
        Q(first_contact_breached_at__isnull=False) | Q(decision_breached_at__isnull=False),
        status__in=QUEUE_STATUSES,
    ).aggregate(
        first_contact=Count("id", filter=Q(first_contact_breached_at__isnull=False)),
        decision=Count("id", filter=Q(decision_breached_at__isnull=False)),
    )
    return {deadline: int(figures[deadline] or 0) for deadline in DEADLINES}


def breaches_since_count(since: datetime) -> dict[str, int]:
    """Deadline breaches the clock recorded with a breach time after `since` (event time index)."""
    rows = (
        TicketEvent.objects.filter(occurred_at__gte=since, kind=EventKind.DEADLINE_BREACHED)
        .order_by()
        .values_list("to_value")
        .annotate(count=Count("id"))
    )
    counts = dict.fromkeys(DEADLINES, 0)
    counts.update(dict(rows))
    return counts


def sweep_oldest_due(now: datetime) -> datetime | None:
    """The oldest clock boundary already passed: what the sweep has yet to move (sweep's index)."""
    return WithdrawalTicket.objects.filter(next_transition_at__lte=now).aggregate(
        oldest=Min("next_transition_at")
    )["oldest"]


def outbox_backlog_read() -> tuple[dict[str, int], datetime | None]:
    rows = (
        OutboundMessage.objects.filter(status__in=IN_FLIGHT)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"), oldest=Min("created_at"))
    )
    backlog = {str(status): 0 for status in IN_FLIGHT}
    oldest: datetime | None = None
    for status, count, created in rows:
        backlog[status] = count
        oldest = created if oldest is None or created < oldest else oldest
    return backlog, oldest


def webhook_backlog_read() -> tuple[int, datetime | None]:
    figures = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    return int(figures["count"] or 0), figures["oldest"]


def domain_figures_read(*, now: datetime | None = None) -> DomainFigures:
    """Read every domain figure as of `now`."""
    now = now or clock.now()
    outbox, outbox_oldest = outbox_backlog_read()
    webhooks, webhook_oldest = webhook_backlog_read()
    return DomainFigures(
        tickets_open=tickets_open_count(),
        tickets_breached_open=tickets_breached_open_count(),
        breaches_last_hour=breaches_since_count(now - BREACH_WINDOW),
        sweep_lag_seconds=_age(now, sweep_oldest_due(now)),
        outbox_backlog=outbox,
        outbox_oldest_age_seconds=_age(now, outbox_oldest),
        webhook_backlog=webhooks,
        webhook_oldest_age_seconds=_age(now, webhook_oldest),
    )

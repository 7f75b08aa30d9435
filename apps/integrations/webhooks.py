"""Webhook deliveries: created set-based from ticket events, queued, retried and replayed.

A delivery row exists once per (subscription, event). `webhook_deliveries_enqueue` creates them
for the active subscriptions of active integrations that may act for the ticket's platform and
asked for the event's kind. Celery messages only say "look at delivery N": the row decides what
happens, so a lost or duplicated message changes nothing (see `delivery.webhook_delivery_attempt`).
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q

from apps.accounts.models import User
from apps.core import clock
from apps.core.enqueue import enqueue
from apps.integrations.models import (
    DeliveryStatus,
    WebhookCursor,
    WebhookDelivery,
    WebhookSubscription,
)
from apps.tickets.models import EventKind, TicketEvent

CATCH_UP_BATCH_SIZE = 2000
DISPATCH_BATCH_SIZE = 500
# A queued task that has not run by then is taken as lost, and the sweep queues it again.
REDISPATCH_AFTER = timedelta(minutes=5)
EVENTS_CURSOR = "ticket_events"
DELIVER_TASK = "integrations.webhook_deliver"  # apps.integrations.tasks.webhook_deliver
# Kinds whose from/to are codes (a status, a stage, a step, a channel, an author's role) and go
# in the payload.
# The others may name a person or a file ("assigned": the agent, "evidence_added": the file's
# name), so their from/to stay out: the receiver reads the ticket through the API instead.
VALUE_KINDS = (
    EventKind.CREATED, EventKind.INTAKE_STEP, EventKind.SUBMITTED, EventKind.RECEIVED,
    EventKind.STAGE_CHANGED, EventKind.STATUS_CHANGED, EventKind.CONTACT_LOGGED,
    EventKind.IDENTITY_ATTEMPT, EventKind.DEADLINE_BREACHED, EventKind.DECIDED,
    # Who wrote ("requester", "agent", "integration"), never what; the channel of a notification.
    EventKind.MESSAGE_POSTED, EventKind.NOTICE_SENT, EventKind.NOTICE_FAILED,
)

# Two small joins, then one between their results: planning one six-table join cost more than
# running it, at every write that records an event.
ENQUEUE_SQL = """
WITH events AS MATERIALIZED (
    SELECT e.id, e.kind, e.occurred_at, e.from_value, e.to_value,
           t.reference, t.platform_id, p.code AS platform
    FROM tickets_ticketevent e
    JOIN tickets_withdrawalticket t ON t.id = e.ticket_id
    JOIN policy_platform p ON p.id = t.platform_id
    WHERE e.id = ANY(%(event_ids)s)
), subscriptions AS MATERIALIZED (
    SELECT s.id, s.event_kinds, ip.platform_id
    FROM integrations_webhooksubscription s
    JOIN integrations_integration i ON i.id = s.integration_id AND i.active
    JOIN integrations_integration_platforms ip ON ip.integration_id = i.id
    WHERE s.active
)
INSERT INTO integrations_webhookdelivery
    (subscription_id, event_id, payload, status, attempts, next_attempt_at, created_at,
     last_response_body, last_error)
SELECT s.id, e.id,
       jsonb_build_object(
           'id', e.id,
           'type', e.kind,
           'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'ticket', jsonb_build_object('reference', e.reference, 'platform', e.platform),
           'from', CASE WHEN e.kind = ANY(%(value_kinds)s) THEN e.from_value ELSE '' END,
           'to', CASE WHEN e.kind = ANY(%(value_kinds)s) THEN e.to_value ELSE '' END
       ),
       'pending', 0, %(now)s, %(now)s, '', ''
FROM events e
JOIN subscriptions s ON s.platform_id = e.platform_id AND s.event_kinds @> jsonb_build_array(e.kind)
ON CONFLICT (subscription_id, event_id) DO NOTHING
RETURNING id
"""


def event_payload(event: TicketEvent) -> dict[str, Any]:
    """What a receiver gets: the event, the ticket's public reference, and no personal data.

    Thin on purpose: a receiver that needs more reads the ticket through the API, under the
    same access rules as any other read.
    """
    return {
        "id": event.pk,
        "type": event.kind,
        "occurred_at": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ticket": {"reference": event.ticket.reference, "platform": event.ticket.platform.code},
        "from": event.from_value if event.kind in VALUE_KINDS else "",
        "to": event.to_value if event.kind in VALUE_KINDS else "",
    }


# Asked first, with no parameter (so planned once per connection): most writes happen where no
# webhook listens, and the enqueue's planning is then saved.
ANY_LIVE_SUBSCRIPTION_SQL = """
SELECT 1 FROM integrations_webhooksubscription s
JOIN integrations_integration i ON i.id = s.integration_id AND i.active
WHERE s.active
LIMIT 1
"""


def _enqueue_postgresql(event_ids: Sequence[int], now: datetime) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(ANY_LIVE_SUBSCRIPTION_SQL)
        if cursor.fetchone() is None:
            return []
        cursor.execute(
            ENQUEUE_SQL,
            {"now": now, "event_ids": list(event_ids), "value_kinds": [str(kind) for kind in VALUE_KINDS]},
        )
        return [row[0] for row in cursor.fetchall()]


def _enqueue_portable(event_ids: Sequence[int], now: datetime) -> list[int]:
    """The same through the ORM, for databases without jsonb (SQLite in the embedded setup)."""
    subscriptions = list(
        WebhookSubscription.objects.filter(active=True, integration__active=True)
        .prefetch_related("integration__platforms")
    )
    if not subscriptions:
        return []
    events = TicketEvent.objects.filter(pk__in=event_ids).select_related("ticket__platform")
    rows = [
        WebhookDelivery(
            subscription=subscription, event=event, payload=event_payload(event),
            next_attempt_at=now, created_at=now,
        )
        for event in events
        for subscription in subscriptions
        if event.kind in subscription.event_kinds
        and any(p.pk == event.ticket.platform_id for p in subscription.integration.platforms.all())
    ]
    if not rows:
        return []
    before = set(
        WebhookDelivery.objects.filter(event_id__in=event_ids).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    after = WebhookDelivery.objects.filter(event_id__in=event_ids).values_list("pk", flat=True)
    return sorted(set(after) - before)


def _in_sql() -> bool:
    return connection.vendor == "postgresql"


def webhook_deliveries_enqueue(*, event_ids: Sequence[int], now: datetime | None = None) -> list[int]:
    """Create the deliveries these events owe; return the ids of those created (not already there)."""
    if not event_ids:
        return []
    moment = now or clock.now()
    if _in_sql():
        return _enqueue_postgresql(event_ids, moment)
    return _enqueue_portable(event_ids, moment)


def _send_tasks(delivery_ids: Sequence[int]) -> None:
    for delivery_id in delivery_ids:
        enqueue(DELIVER_TASK, delivery_id)


def webhook_dispatch(
    *, delivery_ids: Sequence[int], now: datetime, send: Callable[[Sequence[int]], None] = _send_tasks
) -> list[int]:
    """Queue a task for each delivery not queued yet; mark it queued so the sweep leaves it alone."""
    if not delivery_ids:
        return []
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(
                pk__in=delivery_ids, status=DeliveryStatus.PENDING, dispatched_at__isnull=True
            ).values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(dispatched_at=now)
        # A lambda, not a partial: a robust callback that fails is logged by its __qualname__,
        # which a partial lacks (Django 5.2), so the log call itself would raise.
        transaction.on_commit(lambda: send(ids), robust=True)
    return ids


def webhooks_on_events(event_ids: Sequence[int]) -> list[int]:
    """Create and queue the deliveries of freshly committed events. Call it on commit."""
    now = clock.now()
    created = webhook_deliveries_enqueue(event_ids=event_ids, now=now)
    return webhook_dispatch(delivery_ids=created, now=now)


def webhook_dispatch_due(*, now: datetime, batch_size: int = DISPATCH_BATCH_SIZE) -> list[int]:
    """Queue the deliveries whose next attempt is due and that no live task is about to send."""
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(dispatched_at=now)
            transaction.on_commit(lambda: _send_tasks(ids), robust=True)
    return ids


def webhook_catch_up(*, now: datetime, batch_size: int = CATCH_UP_BATCH_SIZE) -> int:
    """Create deliveries for events written without signals (the clock sweep's bulk inserts).

    Reads the event log past a stored mark. Ids are handed out at insert but become visible at
    commit, so a transaction still open may commit an id below the highest one seen now. The
    mark therefore only moves up to what the previous run saw: events of the last interval are
    read twice, and the unique (subscription, event) makes the second read create nothing.
    """
    with transaction.atomic():
        cursor = WebhookCursor.objects.select_for_update().filter(name=EVENTS_CURSOR).first()
        if cursor is None:  # first run: start from now, do not replay the whole history
            top = TicketEvent.objects.aggregate(top=Max("id"))["top"] or 0
            WebhookCursor.objects.get_or_create(
                name=EVENTS_CURSOR, defaults={"position": top, "pending_position": top}
            )
            return 0
        created: list[int] = []
        after = cursor.position
        seen = cursor.position
        while True:
            events = TicketEvent.objects.filter(id__gt=after).order_by("id")
            ids = list(events.values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            created += webhook_deliveries_enqueue(event_ids=ids, now=now)
            after = seen = ids[-1]
        cursor.position = max(cursor.position, min(cursor.pending_position, seen))
        cursor.pending_position = seen
        cursor.save(update_fields=["position", "pending_position", "updated_at"])
    webhook_dispatch_due(now=now)
    return len(created)


def webhook_delivery_replay(*, delivery_ids: Sequence[int], actor: User | None, now: datetime) -> list[int]:
    """Send these deliveries again, succeeded or failed, as a new series of attempts.

    A delivery a worker is sending right now is left alone; the ids replayed are returned.
    """
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(pk__in=delivery_ids)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .select_for_update()
            .values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, claims=0, next_attempt_at=now, locked_until=None,
            dispatched_at=None, replayed_at=now, replayed_by=actor,
        )
        webhook_dispatch(delivery_ids=ids, now=now)
    return ids

"""Writes of the outbox: enqueue a message with what caused it, deliver it, catch up on the missed.

Delivery is at-least-once with a narrow edge, by design of any outbox talking to an outside
provider: a worker that dies after the provider accepted the message and before the row says
`sent` leaves a `sending` row whose lease runs out; the catch-up then sends it again. E-mail
carries a Message-ID derived from the dedupe key so a receiver can drop the copy; the SMS interface
has no such field, so a duplicate text is possible in that one case (see docs/outbound.md).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from celery import current_app
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.reconnect import on_fresh_connection
from apps.outbound.models import IN_FLIGHT, Channel, MessageStatus, OutboundMessage
from apps.outbound.selectors import outbound_due_ids
from apps.outbound.senders import SendRejected, SendRetryable, message_send
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, WithdrawalTicket

logger = logging.getLogger(__name__)

DELIVER_TASK = "outbound.deliver"
# How a delivery's ticket event names who acted: no person, the outbox.
OUTBOX_ACTOR = "outbox"
# How long a worker owns a `sending` row. Far above the send timeouts (SMS 10 s, SMTP 30 s) and
# the task's time limit, so a live worker never loses its row; after it, the row is sent again.
SENDING_LEASE = timedelta(minutes=5)
# Wait before attempt n+1 after n failed ones: 30 s, 2 min, 10 min, 30 min, then hourly.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8
CATCH_UP_BATCH_SIZE = 500
# Runs after the caller's commit, often in a web request: give up on a down broker quickly (the
# catch-up sends the row within a minute) rather than hold the request for Celery's default retries.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"  # not due, already sent, or another worker holds it


@dataclass(frozen=True)
class Draft:
    """One message to write: what `outbound_enqueue` takes, for writing many in one go."""

    channel: str
    recipient: str
    event: str
    dedupe_key: str
    language: str
    body: str
    ticket: WithdrawalTicket | None = None
    requester: User | None = None
    subject: str = ""
    html_body: str = ""
    sms_template: str = ""
    sms_params: dict[str, str] | None = None
    send_after: datetime | None = None


def outbound_enqueue(
    *,
    channel: str,
    recipient: str,
    event: str,
    dedupe_key: str,
    language: str,
    body: str,
    ticket: WithdrawalTicket | None = None,
    requester: User | None = None,
    subject: str = "",
    html_body: str = "",
    sms_template: str = "",
    sms_params: dict[str, str] | None = None,
    send_after: datetime | None = None,
) -> OutboundMessage:
    """Write the message in the caller's transaction; deliver it once that transaction commits.

    The same `dedupe_key` again returns the row already written and queues nothing more.
    """
    draft = Draft(
        channel=channel, recipient=recipient, event=event, dedupe_key=dedupe_key, language=language,
        body=body, ticket=ticket, requester=requester, subject=subject, html_body=html_body,
        sms_template=sms_template, sms_params=sms_params, send_after=send_after,
    )
    return outbound_enqueue_many([draft])[0]


def _draft_check(draft: Draft) -> None:
    if draft.channel not in Channel.values:
        raise ApplicationError(f"Unknown channel {draft.channel!r}.", {"channel": draft.channel})
    if not draft.recipient.strip() or not draft.dedupe_key.strip():
        raise ApplicationError("A message needs a recipient and a dedupe key.")
    if draft.channel == Channel.SMS and not draft.sms_template:
        raise ApplicationError("A text message needs its provider template id.")


def _fields(draft: Draft, now: datetime) -> dict[str, Any]:
    return {
        "channel": draft.channel,
        "recipient": draft.recipient.strip(),
        "ticket": draft.ticket,
        "requester": draft.requester,
        "event": draft.event,
        "language": draft.language,
        "subject": draft.subject,
        "body": draft.body,
        "html_body": draft.html_body,
        "sms_template": draft.sms_template,
        # A list of pairs: jsonb keeps no key order, and Tencent fills {1}, {2} by position.
        "sms_params": [[name, value] for name, value in (draft.sms_params or {}).items()],
        "next_attempt_at": max(draft.send_after, now) if draft.send_after else now,
        "created_at": now,
    }


def outbound_enqueue_many(drafts: Sequence[Draft], *, keys_new: bool = False) -> list[OutboundMessage]:
    """Write several messages in the caller's transaction, in two queries; deliver them after commit.

    Returns one row per draft, in order: the new row, or the one its `dedupe_key` already names
    (which queues nothing more). A key written by a concurrent transaction in between is found by
    the one-at-a-time path, as `get_or_create` would. `keys_new` is for a caller whose keys derive
    from a row it has just written under its own unique key (a notice): one INSERT, no look-up
    and no savepoint; a key that exists after all raises IntegrityError to that caller.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbound_enqueue must run inside the transaction that causes the message.")
    for draft in drafts:
        _draft_check(draft)
    now = clock.now()
    keys = [draft.dedupe_key for draft in drafts]
    found: dict[str, OutboundMessage] = {}
    if not keys_new:
        found = {row.dedupe_key: row for row in OutboundMessage.objects.filter(dedupe_key__in=keys)}
    fresh: dict[str, Draft] = {}
    for draft in drafts:
        if draft.dedupe_key not in found:
            fresh.setdefault(draft.dedupe_key, draft)
    rows = [OutboundMessage(dedupe_key=key, **_fields(draft, now)) for key, draft in fresh.items()]
    created: list[OutboundMessage] = []
    if rows and keys_new:
        created = OutboundMessage.objects.bulk_create(rows)
    elif rows:
        try:
            with transaction.atomic():
                created = OutboundMessage.objects.bulk_create(rows)
        except IntegrityError:
            created = []
            for draft in fresh.values():
                row, made = OutboundMessage.objects.get_or_create(
                    dedupe_key=draft.dedupe_key, defaults=_fields(draft, now)
                )
                found[row.dedupe_key] = row
                if made:
                    created.append(row)
    found.update({row.dedupe_key: row for row in created})
    by_eta: dict[datetime | None, list[int]] = defaultdict(list)
    for row in created:
        send_after = fresh[row.dedupe_key].send_after
        by_eta[send_after].append(row.pk)
    for eta, ids in by_eta.items():
        transaction.on_commit(partial(outbound_dispatch, message_ids=ids, eta=eta))
    return [found[key] for key in keys]


def outbound_dispatch(*, message_ids: Iterable[int], eta: datetime | None = None) -> int:
    """Queue one delivery task per id, by name; a broker that is down leaves them to the catch-up."""
    queued = 0
    for message_id in message_ids:
        options: dict[str, Any] = {"eta": eta} if eta is not None and eta > clock.now() else {}
        try:
            current_app.send_task(
                DELIVER_TASK, args=[message_id], ignore_result=True, retry_policy=PUBLISH_RETRY_POLICY,
                **options,
            )
        except Exception:  # the rows stay queued: the catch-up will find them
            logger.warning("outbound: could not queue message %s; the catch-up will", message_id,
                           exc_info=True)
            break  # the broker is away: trying each remaining id would only wait out its retries
        queued += 1
    return queued


def outbound_catch_up(*, now: datetime, batch_size: int = CATCH_UP_BATCH_SIZE) -> list[int]:
    """Queue the messages due (never queued, retries, expired leases); a duplicate task is a no-op."""
    ids = outbound_due_ids(now=now, limit=batch_size)
    outbound_dispatch(message_ids=ids)
    return ids


def outbound_deliver(*, message_id: int) -> DeliveryOutcome:
    """Claim the message, send it outside any transaction, then record what the provider said."""
    claimed = _claim(message_id=message_id, now=clock.now())
    if claimed is None:
        return DeliveryOutcome.SKIPPED
    if claimed.status == MessageStatus.FAILED:
        return DeliveryOutcome.FAILED
    try:
        sent = message_send(claimed)
    except SendRetryable as error:
        return _record_retry(claimed, reason=error.reason, retry_after=error.retry_after)
    except SendRejected as error:
        _record(claimed, status=MessageStatus.FAILED, last_error=error.reason)
        logger.error("outbound: message %s rejected: %s", claimed.pk, error.reason)
        return DeliveryOutcome.FAILED
    except Exception as error:  # a bug or a time limit: count the attempt, try again later
        logger.exception("outbound: message %s could not be sent", claimed.pk)
        return _record_retry(claimed, reason=f"unexpected {type(error).__name__}", retry_after=None)
    _record(
        claimed,
        status=MessageStatus.SENT,
        provider=sent.provider,
        provider_message_id=sent.provider_message_id,
        sent_at=clock.now(),
        last_error="",
    )
    return DeliveryOutcome.SENT


def backoff_after(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts (1 -> 30 s)."""
    return BACKOFF[attempts - 1] if 0 < attempts <= len(BACKOFF) else BACKOFF_CAP


def _claim(*, message_id: int, now: datetime) -> OutboundMessage | None:
    """Take the row for one attempt in a short transaction: `sending` until the lease runs out.

    A row another worker has locked, one not due, and one already done are left alone. A row
    out of attempts (its last worker died) is failed here instead of sent once more.
    """
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status__in=IN_FLIGHT, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
            message.last_error = (f"gave up after {message.attempts} attempts; " + message.last_error)[:255]
            message.save(update_fields=["status", "last_error"])
            _delivery_event_record(message)
            return message
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.next_attempt_at = now + SENDING_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return message


def _record_retry(message: OutboundMessage, *, reason: str, retry_after: int | None) -> DeliveryOutcome:
    if message.attempts >= MAX_ATTEMPTS:
        _record(message, status=MessageStatus.FAILED,
                last_error=f"gave up after {message.attempts} attempts; {reason}")
        logger.error("outbound: message %s failed after %s attempts: %s",
                     message.pk, message.attempts, reason)
        return DeliveryOutcome.FAILED
    wait = max(backoff_after(message.attempts), timedelta(seconds=retry_after or 0))
    _record(message, status=MessageStatus.QUEUED, next_attempt_at=clock.now() + wait, last_error=reason)
    logger.warning("outbound: message %s will be retried in %s: %s", message.pk, wait, reason)
    return DeliveryOutcome.RETRY


def _record(message: OutboundMessage, **changes: Any) -> bool:
    """Write the attempt's result, unless the lease ran out and another worker took the row since.

    A final result (sent, failed) of a ticket's message is written with its ticket event, in one
    transaction: the compare-and-set decides once, so the event is recorded once. A database that
    goes away at that moment (a restart) gets the write again on a new connection: the message
    was sent, and a result left unwritten would send it again when its lease runs out.
    """
    return on_fresh_connection(
        partial(_record_once, message, **changes), what=f"recording outbound message {message.pk}"
    )


def _record_once(message: OutboundMessage, **changes: Any) -> bool:
    changes["last_error"] = str(changes.get("last_error", message.last_error))[:255]
    with transaction.atomic():
        written = OutboundMessage.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
        ).update(**changes)
        if written and changes.get("status") in (MessageStatus.SENT, MessageStatus.FAILED):
            for field, value in changes.items():
                setattr(message, field, value)
            _delivery_event_record(message)
    if not written:
        logger.warning("outbound: message %s was taken over before its attempt %s was recorded",
                       message.pk, message.attempts)
    return bool(written)


def _delivery_event_record(message: OutboundMessage) -> None:
    """Put a sent or failed message on its ticket's timeline: where and how, never to whom or what.

    In a savepoint of the transaction recording the result: an event that cannot be written is
    logged and lost, never allowed to roll the result back (the lease would then send it twice).
    """
    if message.ticket_id is None:
        return
    try:
        with transaction.atomic():
            _delivery_event_write(message, ticket_id=message.ticket_id)
    except Exception:
        logger.exception("outbound: message %s: its delivery could not be put on its ticket", message.pk)


def _delivery_event_write(message: OutboundMessage, *, ticket_id: int) -> None:
    ticket = WithdrawalTicket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    sent = message.status == MessageStatus.SENT
    outcome = (
        {"provider_message_id": message.provider_message_id} if sent else {"error": message.last_error}
    )
    event_record(
        ticket=ticket,
        kind=EventKind.NOTICE_SENT if sent else EventKind.NOTICE_FAILED,
        actor_label=OUTBOX_ACTOR,
        to_value=message.channel,
        data={
            "outbound_id": message.pk,
            "channel": message.channel,
            "event": message.event,
            "provider": message.provider,
            **outcome,
        },
        occurred_at=message.sent_at if sent and message.sent_at else clock.now(),
    )

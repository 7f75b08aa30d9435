"""Writes of the outbox: enqueue a message with what caused it, deliver it, catch up on the missed.

Delivery is at-least-once with a narrow edge, by design of any outbox talking to an outside
provider: a worker that dies after the provider accepted the message and before the row says
`sent` leaves a `sending` row whose lease runs out; the catch-up then sends it again. E-mail
carries a Message-ID derived from the dedupe key so a receiver can drop the copy; the SMS interface
has no such field, so a duplicate text is possible in that one case (see docs/outbound.md).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.outbound.models import IN_FLIGHT, Channel, MessageStatus, OutboundMessage
from apps.outbound.selectors import outbound_due_ids
from apps.outbound.senders import SendRejected, SendRetryable, message_send
from apps.tickets.models import WithdrawalTicket

logger = logging.getLogger(__name__)

DELIVER_TASK = "outbound.deliver"
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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbound_enqueue must run inside the transaction that causes the message.")
    if channel not in Channel.values:
        raise ApplicationError(f"Unknown channel {channel!r}.", {"channel": channel})
    if not recipient.strip() or not dedupe_key.strip():
        raise ApplicationError("A message needs a recipient and a dedupe key.")
    if channel == Channel.SMS and not sms_template:
        raise ApplicationError("A text message needs its provider template id.")
    now = clock.now()
    message, created = OutboundMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": channel,
            "recipient": recipient.strip(),
            "ticket": ticket,
            "requester": requester,
            "event": event,
            "language": language,
            "subject": subject,
            "body": body,
            "html_body": html_body,
            "sms_template": sms_template,
            "sms_params": sms_params or {},
            "next_attempt_at": max(send_after, now) if send_after else now,
            "created_at": now,
        },
    )
    if created:
        transaction.on_commit(partial(outbound_dispatch, message_ids=[message.pk], eta=send_after))
    return message


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
    """Write the attempt's result, unless the lease ran out and another worker took the row since."""
    changes["last_error"] = str(changes.get("last_error", message.last_error))[:255]
    written = OutboundMessage.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
    ).update(**changes)
    if not written:
        logger.warning("outbound: message %s was taken over before its attempt %s was recorded",
                       message.pk, message.attempts)
    return bool(written)

"""Sending one webhook delivery: claim it, sign it, POST it, record the answer, plan the retry."""

import enum
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F, Q

from apps.core.reconnect import on_fresh_connection
from apps.integrations import conf, signing
from apps.integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from apps.integrations.services import webhook_signing_secrets

RESPONSE_KEPT_CHARS = 2000
RESPONSE_READ_BYTES = 64 * 1024
LEASE_MARGIN = timedelta(seconds=30)
# A delivery may be claimed this many times per attempt allowed; past that, its claims keep ending
# with no answer recorded (its worker killed each time), and it fails instead of coming back forever.
CLAIMS_PER_ATTEMPT = 3
JITTER = 0.2  # each wait is the doubling step ±20 %, so failed receivers are not hit in lockstep
USER_AGENT = "Chehui-Webhooks/1"
# Waits up to this long are scheduled as a delayed task; longer ones are left to the sweep.
COUNTDOWN_LIMIT = timedelta(minutes=10)


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    retry_in: timedelta | None = None


@dataclass(frozen=True)
class _Answer:
    status_code: int | None
    body: str
    error: str


def retry_delay(failed_attempts: int, *, rand: float | None = None) -> timedelta:
    """The wait after the n-th failed attempt: base · 2^(n−1), capped, with ±20 % jitter."""
    base = conf.webhook_backoff_base().total_seconds()
    step = min(base * 2 ** (failed_attempts - 1), conf.webhook_backoff_cap().total_seconds())
    spread = random.uniform(-JITTER, JITTER) if rand is None else rand  # noqa: S311 (not a secret)
    return timedelta(seconds=step * (1 + spread))


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this worker, if it is due and nobody else is sending it.

    A claim is not an attempt: one whose COMMIT went through while its answer was lost comes back
    once its lease ends and sends nothing in between, so only `_record` counts attempts. Claims
    are counted apart, to stop a delivery whose every claim ends without an answer recorded.
    """
    lease = timedelta(seconds=conf.webhook_timeout_seconds()) + LEASE_MARGIN
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + lease, claims=F("claims") + 1)
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could reach internal hosts."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Answer:
    if urlsplit(url).scheme not in ("http", "https"):
        return _Answer(None, "", "Only http and https receiver URLs are supported.")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=conf.webhook_timeout_seconds()) as response:
            return _Answer(response.status, _text(response.read(RESPONSE_READ_BYTES)), "")
    except urllib.error.HTTPError as error:
        return _Answer(error.code, _text(error.read(RESPONSE_READ_BYTES)), "")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return _Answer(None, "", f"{type(error).__name__}: {reason}"[:RESPONSE_KEPT_CHARS])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")[:RESPONSE_KEPT_CHARS]


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: compact JSON, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_delivery_attempt(*, delivery_id: int, now_fn: Callable[[], datetime]) -> AttemptResult:
    """Make one attempt at a delivery if it is due; safe to call twice for the same attempt."""
    started_at = now_fn()
    if not _claim(delivery_id, started_at):
        return AttemptResult(Outcome.SKIPPED)
    # Claimed: a database error now would hold the delivery until the lease ends; read again instead.
    delivery = on_fresh_connection(
        lambda: WebhookDelivery.objects.select_related("subscription__integration").get(pk=delivery_id),
        what=f"reading webhook delivery {delivery_id}",
    )
    subscription = delivery.subscription
    clock_started = time.monotonic()
    if delivery.claims > conf.webhook_max_attempts() * CLAIMS_PER_ATTEMPT:
        # Each claim before this one ended with nothing recorded: a worker killed while sending it
        # (out of memory, a deploy) or cut from the database. Sending again would do the same.
        answer = _Answer(None, "", (
            f"Stopped: taken {delivery.claims - 1} times by workers that never recorded an answer "
            f"({delivery.attempts} recorded). Replay it once the cause is fixed."
        ))
        give_up = True
    elif not (subscription.active and subscription.integration.active):
        answer = _Answer(None, "", "The subscription or its integration is turned off.")
        give_up = True
    else:
        body = webhook_body(delivery.payload)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            signing.EVENT_HEADER: str(delivery.payload.get("type", "")),
            signing.DELIVERY_HEADER: str(delivery.pk),
            signing.SIGNATURE_HEADER: signing.signature_header(
                webhook_signing_secrets(subscription), int(started_at.timestamp()), body
            ),
        }
        answer = _post(subscription.url, body, headers)
        give_up = False
    duration_ms = int((time.monotonic() - clock_started) * 1000)
    return _record(delivery, answer, started_at=started_at, finished_at=now_fn(),
                   duration_ms=duration_ms, give_up=give_up)


def _record(
    delivery: WebhookDelivery,
    answer: _Answer,
    *,
    started_at: datetime,
    finished_at: datetime,
    duration_ms: int,
    give_up: bool,
) -> AttemptResult:
    """Log the request and count it, then plan what comes next; safe to run again after a lost COMMIT."""
    delivered = answer.status_code is not None and 200 <= answer.status_code < 300

    def write() -> AttemptResult:
        with transaction.atomic():
            counted = (
                WebhookDelivery.objects.select_for_update()
                .filter(pk=delivery.pk)
                .values_list("attempts", flat=True)
                .get()
            )
            logged = (
                WebhookAttempt.objects.filter(delivery=delivery, started_at=started_at)
                .values_list("number", flat=True)
                .first()
            )
            # A retry after a COMMIT whose answer was lost finds its attempt already counted.
            number = counted + 1 if logged is None else logged
            result, changes = _next_step(number, answer, delivered=delivered, give_up=give_up, at=finished_at)
            if logged is None:
                WebhookAttempt.objects.create(
                    delivery=delivery,
                    number=number,
                    started_at=started_at,
                    duration_ms=duration_ms,
                    status_code=answer.status_code,
                    response_body=answer.body,
                    error=answer.error,
                )
                WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=number, **changes)
            return result

    # The request was made: the receiver may have acted on it, so the log must say so even if the
    # database restarts right now (see `reconnect`).
    return on_fresh_connection(write, what=f"recording an attempt of delivery {delivery.pk}")


def _next_step(
    number: int, answer: _Answer, *, delivered: bool, give_up: bool, at: datetime
) -> tuple[AttemptResult, dict[str, Any]]:
    """What the n-th attempt's answer means for the delivery: done, failed for good, or a retry when."""
    changes: dict[str, Any] = {
        "locked_until": None,
        "dispatched_at": None,
        "last_status_code": answer.status_code,
        "last_response_body": answer.body,
        "last_error": answer.error,
    }
    if delivered:
        changes.update(status=DeliveryStatus.SUCCEEDED, delivered_at=at)
        return AttemptResult(Outcome.DELIVERED), changes
    if give_up or number >= conf.webhook_max_attempts():
        changes.update(status=DeliveryStatus.FAILED)
        return AttemptResult(Outcome.FAILED), changes
    retry_in = retry_delay(number)
    changes.update(next_attempt_at=at + retry_in)
    if retry_in <= COUNTDOWN_LIMIT:  # the task queues it with a countdown: the sweep waits
        changes.update(dispatched_at=at + retry_in)
    return AttemptResult(Outcome.RETRY, retry_in), changes


def webhook_delivery_held_until(*, delivery_id: int, now: datetime) -> datetime | None:
    """When the claim on a pending delivery ends, if one holds it now.

    A claim whose COMMIT went through while its answer was lost to a database restart looks,
    to the task's retry, like another worker's: the retry comes back once it has ended.
    """
    return (
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )


def should_schedule_retry(result: AttemptResult) -> bool:
    """Whether the task queues the retry itself (a short wait) or leaves it to the sweep."""
    return result.retry_in is not None and result.retry_in <= COUNTDOWN_LIMIT

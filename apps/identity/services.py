"""Writes of identity checks (intake step 3): send a code, record each attempt, mark the step done."""

import ipaddress
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.identity.providers import CHALLENGE_METHODS, Challenge, ProviderResult, identity_provider_get
from apps.identity.selectors import (
    IDENTITY_ATTEMPTS_PER_HOUR,
    identity_local_clock,
    identity_method_label,
    identity_methods_passed,
    identity_methods_required,
    identity_progress,
)
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket

logger = logging.getLogger("chehui.identity")
Outcome = IdentityVerificationAttempt.Outcome

CHALLENGE_RESEND_COOLDOWN = timedelta(seconds=60)
PROVIDER_NAME_MAX_CHARS = 40  # IdentityVerificationAttempt.provider
REASON_MAX_CHARS = 200  # IdentityVerificationAttempt.reason
REFERENCE_MAX_CHARS = 100  # IdentityVerificationAttempt.provider_reference


def _lock_for_method(
    *, ticket: WithdrawalTicket, user: User, method: str, now: datetime
) -> WithdrawalTicket:
    """Lock the ticket and check that `user` may attempt `method` on it now; return the locked row.

    The platform's methods must pass in their order, each once; the hourly limit counts every
    attempt, whatever its outcome.
    """
    ticket = WithdrawalTicket.objects.select_for_update(of=("self",)).select_related("platform").get(
        pk=ticket.pk
    )
    if user.pk is None or ticket.requester_id != user.pk:
        raise ApplicationError(
            gettext("Only the person who asked for this withdrawal can verify their identity for it."),
            extra={"code": "not_allowed"},
        )
    if ticket.status != TicketStatus.DRAFT:
        raise ApplicationError(
            gettext("This ticket's intake is over: there is no identity check left to do."),
            extra={"code": "not_in_intake", "status": ticket.status},
        )
    if ticket.complaint_id is None:
        raise ApplicationError(
            gettext("Confirm the complaint number before verifying your identity."),
            extra={"code": "complaint_number_first"},
        )
    if ticket.identity_verified_at is not None:
        raise ApplicationError(
            gettext("Your identity is already verified for this ticket."), extra={"code": "already_verified"}
        )
    methods = identity_methods_required(ticket=ticket)
    if method not in methods:
        raise ApplicationError(
            capfirst(gettext("%(method)s is not how %(platform)s verifies identity.") % {
                "method": identity_method_label(method), "platform": str(ticket.platform),
            }),
            extra={"code": "method_not_allowed", "methods": list(methods)},
        )
    passed = identity_methods_passed(ticket=ticket)
    if method in passed:
        raise ApplicationError(
            capfirst(gettext("%(method)s has already passed.") % {"method": identity_method_label(method)}),
            extra={"code": "method_already_passed"},
        )
    expected = next(candidate for candidate in methods if candidate not in passed)
    if method != expected:
        raise ApplicationError(
            gettext("Complete %(method)s first.") % {"method": identity_method_label(expected)},
            extra={"code": "method_out_of_order", "next_method": expected},
        )
    progress = identity_progress(ticket=ticket, now=now)
    if progress.retry_after is not None:
        raise ApplicationError(
            gettext("Too many identity attempts on this ticket in the last hour. Try again after %(time)s.")
            % {"time": identity_local_clock(progress.retry_after)},
            extra={"code": "too_many_attempts", "limit": IDENTITY_ATTEMPTS_PER_HOUR,
                   "retry_after": progress.retry_after.isoformat()},
        )
    return ticket


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _verify(
    *, method: str, user: User, ticket: WithdrawalTicket, payload: Mapping[str, Any]
) -> tuple[str, ProviderResult]:
    """Ask the provider; a provider that fails or answers nonsense is recorded as an error, not raised."""
    provider = identity_provider_get()
    name = str(getattr(provider, "name", type(provider).__name__))
    try:
        result = provider.verify(method=method, user=user, ticket=ticket, payload=payload)
    except Exception as error:
        logger.exception("Identity provider %s failed on ticket %s", name, ticket.reference)
        return name, ProviderResult(Outcome.ERROR, reason=f"provider failed: {type(error).__name__}")
    if result.outcome not in Outcome.values:
        reason = f"unknown outcome: {result.outcome!s:.40}"
        return name, ProviderResult(Outcome.ERROR, str(result.reference or ""), reason)
    return name, result


@transaction.atomic
def identity_attempt(
    *,
    ticket: WithdrawalTicket,
    user: User,
    method: str,
    payload: Mapping[str, Any],
    ip_address: str | None,
) -> IdentityVerificationAttempt:
    """Verify one identity method with the provider and record the attempt, whatever its outcome.

    Refused before the provider is asked (nothing recorded): someone other than the requester, a
    ticket out of intake or already verified, a method the platform does not use or not next in
    its order, and the hourly limit reached. Every attempt that reaches the provider is kept with
    its outcome, plus an event without personal data. When the last of the platform's methods
    passes, step 3 is done: the ticket's identity_verified_at is set.
    """
    now = clock.now()
    ticket = _lock_for_method(ticket=ticket, user=user, method=method, now=now)
    provider_name, result = _verify(method=method, user=user, ticket=ticket, payload=payload)
    attempt = IdentityVerificationAttempt.objects.create(
        ticket=ticket, user=user, method=method, provider=provider_name[:PROVIDER_NAME_MAX_CHARS],
        provider_reference=str(result.reference or "")[:REFERENCE_MAX_CHARS], outcome=result.outcome,
        reason=str(result.reason or "")[:REASON_MAX_CHARS], ip_address=_clean_ip(ip_address),
        attempted_at=now,
    )
    event_record(
        ticket=ticket, kind=EventKind.IDENTITY_ATTEMPT, actor=user, to_value=attempt.outcome,
        data={"method": method, "provider": attempt.provider, "attempt_id": attempt.pk}, occurred_at=now,
    )
    methods = identity_methods_required(ticket=ticket)
    if attempt.outcome == Outcome.PASSED and identity_methods_passed(ticket=ticket) == methods:
        ticket.identity_verified_at = now
        ticket.save(update_fields=["identity_verified_at", "updated_at"])
        event_record(
            ticket=ticket, kind=EventKind.INTAKE_STEP, actor=user, to_value="3",
            data={"step": "identity", "methods": list(methods)}, occurred_at=now,
        )
    attempt.ticket = ticket
    return attempt


def _challenge_key(ticket: WithdrawalTicket, method: str) -> str:
    return f"identity:challenge-sent:{ticket.pk}:{method}"


@transaction.atomic
def identity_challenge_send(*, ticket: WithdrawalTicket, user: User, method: str) -> Challenge:
    """Send the code a method needs (the SMS code), at most once a minute per ticket.

    The same checks as an attempt apply (requester, intake, order, hourly limit): a code is sent
    only when it can still be used.
    """
    now = clock.now()
    ticket = _lock_for_method(ticket=ticket, user=user, method=method, now=now)
    if method not in CHALLENGE_METHODS:
        raise ApplicationError(
            capfirst(gettext("%(method)s needs no code.") % {"method": identity_method_label(method)}),
            extra={"code": "no_challenge"},
        )
    if not user.phone:
        raise ApplicationError(
            gettext("Add your mobile number to your account before asking for an SMS code."),
            extra={"code": "no_phone"},
        )
    key = _challenge_key(ticket, method)
    last_sent = cache.get(key)
    if last_sent is not None:
        wait = datetime.fromisoformat(last_sent) + CHALLENGE_RESEND_COOLDOWN - now
        if wait > timedelta(0):
            seconds = int(wait.total_seconds()) + (1 if wait.microseconds else 0)
            raise ApplicationError(
                ngettext(
                    "A code was sent a moment ago. You can ask for a new one in %(seconds)d second.",
                    "A code was sent a moment ago. You can ask for a new one in %(seconds)d seconds.",
                    seconds,
                ) % {"seconds": seconds},
                extra={"code": "challenge_cooldown", "retry_in_seconds": seconds},
            )
    try:
        challenge = identity_provider_get().challenge(method=method, user=user, ticket=ticket)
    except Exception as error:
        logger.exception("Identity provider could not send a %s code on ticket %s", method, ticket.reference)
        raise ApplicationError(
            gettext("The code could not be sent just now. Try again in a few minutes."),
            extra={"code": "challenge_failed"},
        ) from error
    cache.set(key, now.isoformat(), timeout=int(CHALLENGE_RESEND_COOLDOWN.total_seconds()))
    return challenge

"""Reads of identity checks: how far a ticket's step 3 has come, and what to tell the person."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from apps.core import clock
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import IdentityMethod, PolicySettings
from apps.tickets.models import WithdrawalTicket

Outcome = IdentityVerificationAttempt.Outcome

IDENTITY_ATTEMPTS_PER_HOUR = 6  # per ticket, every outcome counted: guessing an SMS code stays hopeless
ATTEMPT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class IdentityProgress:
    """Where a ticket's identity check stands."""

    methods: tuple[str, ...]  # the platform's methods, in the order they must pass
    passed: tuple[str, ...]
    next_method: str | None
    verified_at: datetime | None
    attempts_left: int  # in the current hour
    retry_after: datetime | None  # when the hourly limit is reached: when the next attempt is allowed

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


def identity_methods_required(*, ticket: WithdrawalTicket) -> tuple[str, ...]:
    """The platform's identity methods, in the order they must pass."""
    return tuple(str(method) for method in ticket.platform.identity_methods or ())


def identity_methods_passed(*, ticket: WithdrawalTicket) -> tuple[str, ...]:
    """The methods that have passed on this ticket, each once, in the platform's order."""
    passed = set(
        IdentityVerificationAttempt.objects.filter(ticket=ticket, outcome=Outcome.PASSED)
        .values_list("method", flat=True)
    )
    return tuple(method for method in identity_methods_required(ticket=ticket) if method in passed)


def identity_attempt_times_in_window(*, ticket: WithdrawalTicket, now: datetime) -> list[datetime]:
    """When the attempts of the last hour were made, oldest first (the limit counts these)."""
    return list(
        IdentityVerificationAttempt.objects.filter(ticket=ticket, attempted_at__gt=now - ATTEMPT_WINDOW)
        .order_by("attempted_at")
        .values_list("attempted_at", flat=True)
    )


def identity_progress(*, ticket: WithdrawalTicket, now: datetime | None = None) -> IdentityProgress:
    """How far the ticket's identity check has come: passed, next, attempts left this hour."""
    now = now or clock.now()
    methods = identity_methods_required(ticket=ticket)
    passed = identity_methods_passed(ticket=ticket)
    remaining = [method for method in methods if method not in passed]
    times = identity_attempt_times_in_window(ticket=ticket, now=now)
    left = max(IDENTITY_ATTEMPTS_PER_HOUR - len(times), 0)
    return IdentityProgress(
        methods=methods,
        passed=passed,
        next_method=None if ticket.identity_verified_at else (remaining[0] if remaining else None),
        verified_at=ticket.identity_verified_at,
        attempts_left=left,
        retry_after=None if left else times[len(times) - IDENTITY_ATTEMPTS_PER_HOUR] + ATTEMPT_WINDOW,
    )


def identity_method_label(method: str) -> str:
    """A method's name in the active language."""
    try:
        return str(IdentityMethod(method).label)
    except ValueError:
        return method


def _retry_hint(method: str) -> str:
    hints = {
        IdentityMethod.FACE_RECOGNITION.value: gettext(
            "Face recognition did not pass. Try again in good light, facing the camera, with nothing "
            "covering your face."
        ),
        IdentityMethod.SMS_CODE.value: gettext(
            "The SMS code was not accepted. Enter the latest code sent to your phone, or ask for a new "
            "one if it has expired."
        ),
        IdentityMethod.PAYMENT_PASSWORD.value: gettext(
            "The payment password was not accepted. Enter it again; if you have forgotten it, reset it "
            "in the platform's app first."
        ),
        IdentityMethod.REAL_NAME.value: gettext(
            "The real-name check did not pass. Check that the name and identity number are the ones "
            "registered on your account, then try again."
        ),
        IdentityMethod.DIGITAL_CERTIFICATE.value: gettext(
            "The digital certificate was not accepted. Check that it is installed on this device and "
            "has not expired, then try again."
        ),
    }
    return hints.get(method, gettext("The check did not pass. Try again."))


def identity_local_clock(moment: datetime) -> str:
    """A moment as HH:MM in the policy's time zone, for messages."""
    zone = PolicySettings.objects.values_list("time_zone", flat=True).first() or "Asia/Shanghai"
    return f"{timezone.localtime(moment, ZoneInfo(zone)):%H:%M}"


def _attempts_left_sentence(progress: IdentityProgress) -> str:
    if progress.attempts_left:
        return ngettext(
            "You can try %(count)d more time this hour.",
            "You can try %(count)d more times this hour.",
            progress.attempts_left,
        ) % {"count": progress.attempts_left}
    if progress.retry_after is None:  # no attempt left always comes with a retry time
        return ""
    return gettext("You have used this hour's attempts: try again after %(time)s.") % {
        "time": identity_local_clock(progress.retry_after)
    }


def identity_attempt_message(*, attempt: IdentityVerificationAttempt, now: datetime | None = None) -> str:
    """What to tell the person after an attempt, in the active language: and, if it failed, how to retry."""
    ticket = attempt.ticket
    progress = identity_progress(ticket=ticket, now=now)
    method = identity_method_label(attempt.method)
    if attempt.outcome == Outcome.PASSED:
        if progress.verified:
            return capfirst(gettext("%(method)s passed. Your identity is verified.") % {"method": method})
        if progress.next_method:
            return capfirst(gettext("%(method)s passed. Next: %(next)s.") % {
                "method": method, "next": identity_method_label(progress.next_method),
            })
        return capfirst(gettext("%(method)s passed.") % {"method": method})
    if attempt.outcome == Outcome.ERROR:
        first = gettext(
            "The verification service did not answer, so nothing was decided. Try again in a few minutes."
        )
    else:
        first = _retry_hint(attempt.method)
    return f"{first} {_attempts_left_sentence(progress)}".strip()

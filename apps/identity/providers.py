"""Identity verification providers (intake step 3): one interface, a development stand-in.

The product talks to whatever verifies faces, SMS codes, payment passwords, real names and
certificates through `IdentityProvider`. Which one is used comes from the setting
IDENTITY_PROVIDER (a dotted path to a class); without it the development provider stands in.
"""

import functools
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from apps.accounts.models import User
from apps.core import clock
from apps.core.masking import mask_phone
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import IdentityMethod
from apps.tickets.models import WithdrawalTicket

logger = logging.getLogger("chehui.identity")

DEFAULT_PROVIDER = "apps.identity.providers.DevelopmentProvider"
Outcome = IdentityVerificationAttempt.Outcome

# Methods that send the person something (a code) before they can answer.
CHALLENGE_METHODS = frozenset({IdentityMethod.SMS_CODE.value})

# The payload key that carries each method's answer: the contract between the channels that ask
# (portal, API) and every provider.
ANSWER_FIELDS = {
    IdentityMethod.FACE_RECOGNITION.value: "face",
    IdentityMethod.PAYMENT_PASSWORD.value: "password",
    IdentityMethod.REAL_NAME.value: "real_name",
    IdentityMethod.DIGITAL_CERTIFICATE.value: "certificate",
    IdentityMethod.SMS_CODE.value: "code",
}


def answer_field(method: str) -> str:
    """The payload key under which `method`'s answer is sent."""
    return ANSWER_FIELDS.get(method, "answer")


@dataclass(frozen=True)
class ProviderResult:
    """A provider's answer: passed, rejected or error, its own reference, and why (for the record)."""

    outcome: str
    reference: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Challenge:
    """A code sent for a method that needs one: where to (masked) and until when it is good."""

    reference: str
    sent_to: str
    expires_at: datetime


class IdentityProvider(Protocol):
    """What the product needs from a verification service."""

    name: str

    def challenge(self, *, method: str, user: User, ticket: WithdrawalTicket) -> Challenge:
        """Send what the person must answer (an SMS code); only for CHALLENGE_METHODS."""
        ...

    def verify(
        self, *, method: str, user: User, ticket: WithdrawalTicket, payload: Mapping[str, Any]
    ) -> ProviderResult:
        """Check one method's answer; may raise when the service cannot be reached."""
        ...


class DevelopmentProvider:
    """A stand-in that decides from the payload, so development and tests can pass or fail at will.

    Face recognition and the platforms' own methods read one payload key (ANSWER_FIELDS):
    "pass" passes, "error" plays a service that did not answer, anything else is rejected (an
    optional "reason" is recorded). An SMS code is really issued: `challenge` makes a random code,
    keeps its digest in the cache and logs the code on the "chehui.identity" logger (record
    attribute `sms_code`) instead of sending it; `verify` compares payload["code"] with it.
    Nothing here is random beyond the code itself: the policy's face rejection rate is a baseline
    figure for reports, not a dice roll.
    """

    name = "development"

    ANSWER_PASSED = "pass"
    ANSWER_ERROR = "error"
    REJECTION_REASONS = {
        IdentityMethod.FACE_RECOGNITION.value: "face did not match the account holder",
        IdentityMethod.PAYMENT_PASSWORD.value: "payment password was wrong",
        IdentityMethod.REAL_NAME.value: "real-name record did not match",
        IdentityMethod.DIGITAL_CERTIFICATE.value: "certificate was not accepted",
    }
    SMS_CODE_DIGITS = 6
    SMS_CODE_LIFETIME = timedelta(minutes=5)

    # ------------------------------------------------------------------ SMS code
    @staticmethod
    def _code_key(ticket: WithdrawalTicket, user: User) -> str:
        return f"identity:dev-sms:{ticket.pk}:{user.pk}"

    @staticmethod
    def _digest(code: str) -> str:
        return salted_hmac("chehui.identity.dev-sms", code).hexdigest()

    def challenge(self, *, method: str, user: User, ticket: WithdrawalTicket) -> Challenge:
        if method not in CHALLENGE_METHODS:
            raise ValueError(f"{method} needs no challenge.")
        code = f"{secrets.randbelow(10**self.SMS_CODE_DIGITS):0{self.SMS_CODE_DIGITS}d}"
        reference = f"dev-sms-{secrets.token_hex(6)}"
        issued_at = clock.now()
        lifetime = self.SMS_CODE_LIFETIME
        cache.set(
            self._code_key(ticket, user),
            {"digest": self._digest(code), "issued_at": issued_at.isoformat(), "reference": reference},
            timeout=int(lifetime.total_seconds()) + 60,
        )
        sent_to = mask_phone(user.phone)
        logger.info(
            "Development SMS code for ticket %s to %s: %s", ticket.reference, sent_to, code,
            extra={"sms_code": code, "ticket_reference": ticket.reference, "provider_reference": reference},
        )
        return Challenge(reference=reference, sent_to=sent_to, expires_at=issued_at + lifetime)

    def _verify_code(
        self, *, user: User, ticket: WithdrawalTicket, payload: Mapping[str, Any]
    ) -> ProviderResult:
        key = self._code_key(ticket, user)
        issued = cache.get(key)
        if not issued:
            return ProviderResult(Outcome.REJECTED, reason="no code was sent, or it was replaced")
        reference = str(issued["reference"])
        if clock.now() - datetime.fromisoformat(issued["issued_at"]) > self.SMS_CODE_LIFETIME:
            cache.delete(key)
            return ProviderResult(Outcome.REJECTED, reference, "code expired")
        answer = "".join(str(payload.get(answer_field(IdentityMethod.SMS_CODE.value), "")).split())
        if not constant_time_compare(self._digest(answer), issued["digest"]):
            return ProviderResult(Outcome.REJECTED, reference, "wrong code")
        cache.delete(key)  # a code is good once
        return ProviderResult(Outcome.PASSED, reference)

    # ------------------------------------------------------------------ everything
    def verify(
        self, *, method: str, user: User, ticket: WithdrawalTicket, payload: Mapping[str, Any]
    ) -> ProviderResult:
        if method in CHALLENGE_METHODS:
            return self._verify_code(user=user, ticket=ticket, payload=payload)
        reference = f"dev-{secrets.token_hex(6)}"
        answer = payload.get(answer_field(method))
        if answer == self.ANSWER_PASSED:
            return ProviderResult(Outcome.PASSED, reference)
        if answer == self.ANSWER_ERROR:
            return ProviderResult(Outcome.ERROR, reference, "development provider told to fail")
        reason = str(payload.get("reason") or self.REJECTION_REASONS.get(method, "rejected"))
        return ProviderResult(Outcome.REJECTED, reference, reason)


@functools.cache
def _provider_at(path: str) -> IdentityProvider:
    provider: IdentityProvider = import_string(path)()
    return provider


def identity_provider_get() -> IdentityProvider:
    """The configured provider (setting IDENTITY_PROVIDER), the development one by default."""
    return _provider_at(getattr(settings, "IDENTITY_PROVIDER", DEFAULT_PROVIDER))

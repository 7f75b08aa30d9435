"""Providers that misbehave, for IDENTITY_PROVIDER in tests: one that is down, one that talks nonsense."""

from collections.abc import Mapping
from typing import Any

from apps.identity.providers import Challenge, ProviderResult


class UnreachableProvider:
    name = "unreachable"

    def challenge(self, **kwargs: Any) -> Challenge:
        raise ConnectionError("sms gateway timed out")

    def verify(self, *, payload: Mapping[str, Any], **kwargs: Any) -> ProviderResult:
        raise ConnectionError("verification service timed out")


class NonsenseProvider:
    name = "nonsense"

    def challenge(self, **kwargs: Any) -> Challenge:
        raise NotImplementedError

    def verify(self, *, payload: Mapping[str, Any], **kwargs: Any) -> ProviderResult:
        return ProviderResult(outcome="maybe", reference="n-1", reason="x" * 500)


class SlowProvider:
    """Takes a moment to answer, rejecting: long enough for a second attempt to arrive meanwhile."""

    name = "slow"
    delay_seconds = 0.3

    def challenge(self, **kwargs: Any) -> Challenge:
        raise NotImplementedError

    def verify(self, *, payload: Mapping[str, Any], **kwargs: Any) -> ProviderResult:
        import time

        time.sleep(self.delay_seconds)
        return ProviderResult(outcome="rejected", reference="slow-1", reason="face did not match")

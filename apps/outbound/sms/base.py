"""The one interface every SMS provider offers: send one templated message, or say why not.

Plain Python, no Django: a provider either returns a receipt or raises one of two errors, so a
caller (a task, the sign-in flow) decides between "try again later" and "give up and tell someone"
without knowing which provider it talks to.
"""

from dataclasses import dataclass
from typing import Protocol

SmsParams = list[str] | dict[str, str]


@dataclass(frozen=True)
class SmsReceipt:
    """The provider accepted the message; its id lets the delivery report be matched later."""

    provider: str
    provider_message_id: str


class SmsError(Exception):
    """The message was not accepted; `reason` is for a person, `code` is the provider's own."""

    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(f"{reason} ({code})" if code else reason)
        self.reason = reason
        self.code = code


class SmsRetryable(SmsError):
    """Sending may work later: rate limits, the provider's own faults, timeouts, the network.

    `retry_after` is the wait in seconds the provider asked for or implied, when it did.
    """

    def __init__(self, reason: str, code: str = "", retry_after: int | None = None) -> None:
        super().__init__(reason, code)
        self.retry_after = retry_after


class SmsRejected(SmsError):
    """Sending again will fail the same way until a person fixes something.

    A bad template or sign name, no balance, an invalid number, credentials the provider refuses.
    """


class SmsProvider(Protocol):
    """Sends one templated SMS to one mobile number."""

    name: str

    def send(
        self,
        *,
        phone: str,
        template: str,
        params: SmsParams,
        sign_name: str | None = None,
        language: str | None = None,
    ) -> SmsReceipt:
        """Send `template` (the provider's template id) filled with `params`.

        `params` is best given as a dict in the template's order: providers with named variables
        (Alibaba) use the names, providers with numbered ones (Tencent) use the values in order.
        `sign_name` overrides the configured signature; `language` is the recipient's language for
        providers that localise (neither Tencent nor Alibaba do: the template id fixes the text).
        Raises SmsRetryable or SmsRejected.
        """
        ...


def e164_mainland(phone: str) -> str:
    """Write a mainland China mobile number as +86 followed by its 11 digits."""
    compact = "".join(phone.split()).replace("-", "")
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return "+86" + compact.removeprefix(prefix)
    if compact.startswith("+"):
        return compact
    return "+86" + compact


def params_in_order(params: SmsParams) -> list[str]:
    """Return the template values in order: a list as given, a dict's values in insertion order."""
    values = list(params.values()) if isinstance(params, dict) else list(params)
    return [str(value) for value in values]

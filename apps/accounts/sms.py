"""Sending verification codes by SMS: the provider interface, the providers, the lookup.

The provider is named by the `SMS_PROVIDER` setting (a dotted path to a class taking no arguments).
The default writes the code to the log, so development and tests need no SMS gateway. In
production name `TencentSmsProvider` or `AlibabaSmsProvider` below; both send through
apps.outbound.sms and are configured from the environment (docs/sms.md).
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.masking import mask_phone

DEFAULT_SMS_PROVIDER = "apps.accounts.sms.LogSmsProvider"

logger = logging.getLogger("chehui.sms")


class SmsProvider(Protocol):
    """Delivers one verification code to one mobile number; raises if the gateway refuses it."""

    def send_code(self, *, phone: str, code: str, purpose: str) -> None: ...


class LogSmsProvider:
    """Development provider: writes the code to the log (WARNING, so it shows on the console)."""

    def send_code(self, *, phone: str, code: str, purpose: str) -> None:
        logger.warning("SMS code for %s (%s): %s", mask_phone(phone), purpose, code)


class _OutboundSmsProvider:
    """Sends the code through an apps.outbound.sms provider; a refusal becomes an ApplicationError.

    The person reads why no code came (the operator's reason and the provider's code are logged by
    the sender); the SDKs are imported only when this provider is the one configured.
    """

    backend = ""

    def __init__(self) -> None:
        from apps.outbound.sms.codes import code_sender_from_environment

        self._sender = code_sender_from_environment(backend=self.backend)

    def send_code(self, *, phone: str, code: str, purpose: str) -> None:
        from apps.outbound.sms.base import SmsRejected, SmsRetryable

        try:
            self._sender.send_code(phone=phone, code=code, purpose=purpose)
        except SmsRetryable as error:
            raise ApplicationError(
                _("We could not send the text message just now. Wait a minute, then ask for a new code."),
                {
                    "field": "phone",
                    "reason": "sms_not_sent",
                    "retryable": True,
                    "retry_after": error.retry_after,
                },
            ) from error
        except SmsRejected as error:
            message = (
                _("This number cannot receive text messages from us. Check it, or use another number.")
                if error.code in _NUMBER_REFUSED
                else _("Text messages cannot be sent at the moment. Please try again later.")
            )
            raise ApplicationError(
                message, {"field": "phone", "reason": "sms_not_sent", "retryable": False},
            ) from error


# The provider codes that mean "this number", not "our account": the person can do something.
_NUMBER_REFUSED = frozenset({
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "isv.MOBILE_NUMBER_ILLEGAL",
})


class TencentSmsProvider(_OutboundSmsProvider):
    """Tencent Cloud SMS, configured from the environment."""

    backend = "tencent"


class AlibabaSmsProvider(_OutboundSmsProvider):
    """Alibaba Cloud SMS, configured from the environment."""

    backend = "alibaba"


def sms_provider_get() -> SmsProvider:
    """Return the configured provider; read at each call so tests and settings overrides apply."""
    provider_class = import_string(getattr(settings, "SMS_PROVIDER", DEFAULT_SMS_PROVIDER))
    provider: SmsProvider = provider_class()
    return provider

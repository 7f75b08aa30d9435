"""Sending verification codes by SMS: the provider interface, the development provider, the lookup.

The provider is named by the `SMS_PROVIDER` setting (a dotted path to a class taking no arguments).
The default writes the code to the log, so development and tests need no SMS gateway.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

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


def sms_provider_get() -> SmsProvider:
    """Return the configured provider; read at each call so tests and settings overrides apply."""
    provider_class = import_string(getattr(settings, "SMS_PROVIDER", DEFAULT_SMS_PROVIDER))
    provider: SmsProvider = provider_class()
    return provider

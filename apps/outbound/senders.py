"""Hand one outbox row to its channel: SMS through the provider interface, e-mail through Django.

Every failure becomes one of two errors, as the SMS interface already does: SendRetryable (try
again later) or SendRejected (a person must fix something). Reasons are for the operator and name
no recipient.
"""

import hashlib
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

from apps.core.masking import mask_phone
from apps.outbound.models import Channel, OutboundMessage
from apps.outbound.sms.base import SmsProvider, SmsRejected, SmsRetryable
from apps.outbound.sms.config import SmsConfigurationError, sms_provider_from_environment

# Stops one SMTP conversation from outliving the delivery lease (Django's default is no timeout).
EMAIL_TIMEOUT_SECONDS = 30
# A dotted path to a callable returning the SmsProvider; unset: built from CHEHUI_SMS_* variables.
SMS_PROVIDER_SETTING = "OUTBOUND_SMS_PROVIDER"
REASON_MAX_LENGTH = 255


@dataclass(frozen=True)
class Sent:
    provider: str
    provider_message_id: str


class SendError(Exception):
    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:REASON_MAX_LENGTH]
        self.retry_after = retry_after


class SendRetryable(SendError):
    """Sending may work later: the server is down, busy, or said "try again" (4xx)."""


class SendRejected(SendError):
    """Sending again will fail the same way: the address, the template, the credentials (5xx)."""


def outbound_sms_provider() -> SmsProvider:
    """Return the SMS provider, read from settings and the environment when called (tests swap it)."""
    path = getattr(settings, SMS_PROVIDER_SETTING, "")
    if path:
        factory: Any = import_string(path)
        provider: SmsProvider = factory()
        return provider
    return sms_provider_from_environment()


def message_id_header(dedupe_key: str) -> str:
    """Derive the e-mail Message-ID from the dedupe key: a resent copy carries the same id."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "chehui.invalid"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<outbound.{digest}@{domain}>"


def message_send(message: OutboundMessage) -> Sent:
    """Send `message` once through its channel; raise SendRetryable or SendRejected."""
    if message.channel == Channel.SMS:
        return _sms_send(message)
    return _email_send(message)


def _sms_send(message: OutboundMessage) -> Sent:
    try:
        provider = outbound_sms_provider()
        receipt = provider.send(
            phone=message.recipient,
            template=message.sms_template,
            params=message.sms_values,
            language=message.language or None,
        )
    except SmsConfigurationError as error:  # the row waits until someone configures SMS
        raise SendRetryable(str(error)) from error
    except SmsRetryable as error:
        raise SendRetryable(_without(error.reason, message.recipient), error.retry_after) from error
    except SmsRejected as error:
        raise SendRejected(_without(error.reason, message.recipient)) from error
    return Sent(provider=receipt.provider, provider_message_id=receipt.provider_message_id)


def _email_send(message: OutboundMessage) -> Sent:
    message_id = message_id_header(message.dedupe_key)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message_id},
        connection=get_connection(timeout=EMAIL_TIMEOUT_SECONDS),
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        kind = SendRetryable if codes and all(400 <= code < 500 for code in codes) else SendRejected
        raise kind(f"SMTP {','.join(map(str, codes))}: recipient refused") from error
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as error:
        raise SendRetryable(f"SMTP connection: {type(error).__name__}") from error
    except smtplib.SMTPResponseException as error:
        kind = SendRetryable if 400 <= error.smtp_code < 500 else SendRejected
        raise kind(f"SMTP {error.smtp_code}: {type(error).__name__}") from error
    except smtplib.SMTPException as error:
        raise SendRejected(f"SMTP: {type(error).__name__}") from error
    except OSError as error:  # refused, unreachable, timed out, name not found
        raise SendRetryable(f"SMTP connection: {type(error).__name__}") from error
    provider = settings.EMAIL_BACKEND.rpartition(".")[0].rpartition(".")[2] or "email"
    return Sent(provider=provider, provider_message_id=message_id)


def _without(reason: str, recipient: str) -> str:
    """A provider may quote the number in its message: keep it out of the stored reason."""
    return reason.replace(recipient, mask_phone(recipient)) if recipient else reason

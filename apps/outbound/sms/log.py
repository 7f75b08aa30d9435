"""Development provider: writes the message to the log instead of sending it."""

import logging
import secrets

from apps.core.masking import mask_phone
from apps.outbound.sms.base import SmsParams, SmsReceipt, params_in_order

PROVIDER = "log"

logger = logging.getLogger("chehui.sms")


class LogSms:
    """Logs each message at WARNING, so it shows on a developer's console; never use in production.

    The values are logged as they are (a sign-in code included): that is the point in development.
    """

    name = PROVIDER

    def send(
        self,
        *,
        phone: str,
        template: str,
        params: SmsParams,
        sign_name: str | None = None,
        language: str | None = None,
    ) -> SmsReceipt:
        message_id = f"log-{secrets.token_hex(8)}"
        logger.warning(
            "SMS %s to %s, template %s: %s",
            message_id,
            mask_phone(phone),
            template,
            " ".join(params_in_order(params)),
        )
        return SmsReceipt(provider=PROVIDER, provider_message_id=message_id)

"""Verification codes (sign-in today) sent through any SMS provider, one template per purpose."""

import logging
import os
from collections.abc import Mapping

from apps.core.masking import mask_phone
from apps.outbound.sms.base import SmsError, SmsProvider, SmsReceipt, SmsRetryable
from apps.outbound.sms.config import (
    CODE_PARAM_VARIABLE,
    SIGN_IN_PURPOSE,
    SmsConfigurationError,
    sms_provider_from_environment,
    sms_templates_from_environment,
    template_variable,
)

logger = logging.getLogger("chehui.sms")


class CodeSender:
    """Sends a code as the single variable of the purpose's template.

    Tencent templates number their variables ({1}), Alibaba's name them (${code}): the code goes as
    {code_param: code}, which Tencent reads in order and Alibaba by name.
    """

    def __init__(
        self, *, provider: SmsProvider, templates: Mapping[str, str], code_param: str = "code"
    ) -> None:
        self.provider = provider
        self.templates = dict(templates)
        self.code_param = code_param

    def send_code(self, *, phone: str, code: str, purpose: str) -> SmsReceipt:
        """Send the code; raise SmsRetryable or SmsRejected (logged first, with the number masked)."""
        template = self.templates.get(purpose)
        if not template:
            raise SmsConfigurationError(f"No SMS template for {purpose!r}: set {template_variable(purpose)}.")
        try:
            receipt = self.provider.send(phone=phone, template=template, params={self.code_param: code})
        except SmsError as error:
            logger.log(
                logging.WARNING if isinstance(error, SmsRetryable) else logging.ERROR,
                "SMS %s code to %s not sent by %s: %s [%s]",
                purpose,
                mask_phone(phone),
                self.provider.name,
                error.reason,
                error.code,
            )
            raise
        logger.info(
            "SMS %s code to %s sent by %s as %s",
            purpose,
            mask_phone(phone),
            receipt.provider,
            receipt.provider_message_id,
        )
        return receipt


def code_sender_from_environment(
    *,
    backend: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> CodeSender:
    """Build the code sender for `backend` (default: CHEHUI_SMS_BACKEND); the sign-in template is required."""
    env = os.environ if environ is None else environ
    templates = sms_templates_from_environment(env)
    if SIGN_IN_PURPOSE not in templates:
        raise SmsConfigurationError(
            f"SMS is not configured: set the environment variable {template_variable(SIGN_IN_PURPOSE)} "
            "to the template id for sign-in codes."
        )
    return CodeSender(
        provider=sms_provider_from_environment(backend=backend, environ=env),
        templates=templates,
        code_param=env.get(CODE_PARAM_VARIABLE, "").strip() or "code",
    )


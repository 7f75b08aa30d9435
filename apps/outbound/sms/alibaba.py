"""Alibaba Cloud SMS (Dysmsapi 2017-05-25, `SendSms`) on the official SDK, alibabacloud-dysmsapi20170525.

Alibaba answers a business failure as HTTP 200 with `Code` other than "OK" (isv.* and isp.*
codes), and a gateway failure (throttling, signature, credentials) as HTTP 4xx/5xx, which the SDK
raises; both codes go through the same table. Codes: https://help.aliyun.com/document_detail/101346.html
"""

import json
from dataclasses import dataclass

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import UnretryableException

from apps.outbound.sms.base import SmsError, SmsParams, SmsReceipt, SmsRejected, SmsRetryable

PROVIDER = "alibaba"
DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"
DEFAULT_TIMEOUT_SECONDS = 10
OK = "OK"

_RETRYABLE: dict[str, str] = {
    "isv.BUSINESS_LIMIT_CONTROL": "The number hit Alibaba's sending frequency limit.",
    "isv.DAY_LIMIT_CONTROL": "The account reached its daily SMS limit.",
    "isv.BUSINESS_LIMIT_HOUR": "The number reached its hourly SMS limit.",
    "isv.BUSINESS_LIMIT_DAY": "The number reached its daily SMS limit.",
    "BUSINESS_LIMIT_CONTROL_MINUTE": "The number reached its per-minute SMS limit.",
    "BUSINESS_LIMIT_CONTROL_PHONE": "The number reached its SMS limit.",
    "isp.SYSTEM_ERROR": "Alibaba Cloud SMS had a system error.",
    "isp.GATEWAY_ERROR": "Alibaba Cloud SMS had a gateway error.",
    "isp.UNKNOWN": "Alibaba Cloud SMS had an unknown error.",
    "Throttling": "Alibaba Cloud is throttling our API calls.",
    "Throttling.User": "Alibaba Cloud is throttling our API calls.",
    "Throttling.Api": "Alibaba Cloud is throttling calls to SendSms.",
    "Throttling.Concurrent": "Too many SendSms calls at once.",
    "ServiceUnavailable": "Alibaba Cloud SMS is unavailable.",
    "InternalError": "Alibaba Cloud SMS had an internal error.",
}
_REJECTED: dict[str, str] = {
    "isv.AMOUNT_NOT_ENOUGH": "The Alibaba Cloud account has no balance left for SMS: top it up.",
    "isv.OUT_OF_SERVICE": "The Alibaba Cloud account is suspended (usually for lack of balance).",
    "isv.SMS_TEMPLATE_ILLEGAL": "The SMS template code is unknown or not approved.",
    "isv.SMS_SIGNATURE_ILLEGAL": "The SMS sign name is unknown or not approved.",
    "isv.SMS_SIGN_ILLEGAL": "The SMS sign name is unknown or not approved.",
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "The sign name may not be used with this template's kind of message.",
    "isv.MOBILE_NUMBER_ILLEGAL": "The mobile number is not valid.",
    "isv.MOBILE_COUNT_OVER_LIMIT": "Too many numbers in one request.",
    "isv.TEMPLATE_MISSING_PARAMETERS": "A variable of the SMS template was given no value.",
    "isv.INVALID_PARAMETERS": "Alibaba Cloud refused a parameter.",
    "isv.INVALID_JSON_PARAM": "The template parameters are not valid JSON of strings.",
    "isv.BLACK_KEY_CONTROL_LIMIT": "A template parameter contains a blocked word.",
    "isv.PARAM_LENGTH_LIMIT": "A template parameter is too long.",
    "isv.PARAM_NOT_SUPPORT_URL": "Template parameters may not contain links.",
    "isv.ACCOUNT_NOT_EXISTS": "The Alibaba Cloud account does not exist.",
    "isv.ACCOUNT_ABNORMAL": "The Alibaba Cloud account is abnormal.",
    "isv.PRODUCT_UN_SUBSCRIPT": "SMS is not activated on the Alibaba Cloud account.",
    "isv.PRODUCT_UNSUBSCRIBE": "SMS is not activated on the Alibaba Cloud account.",
    "isv.DENY_IP_RANGE": "This server's IP address may not send SMS.",
    "isp.RAM_PERMISSION_DENY": "The access key may not send SMS (RAM permission).",
    "SignatureDoesNotMatch": "Alibaba Cloud refused the request signature (check the access key secret).",
    "InvalidAccessKeyId.NotFound": "The Alibaba Cloud access key id does not exist.",
    "InvalidAccessKeyId.Inactive": "The Alibaba Cloud access key is disabled.",
    "Forbidden.RAM": "The access key may not send SMS (RAM permission).",
    "Forbidden.AccessKeyDisabled": "The Alibaba Cloud access key is disabled.",
}
# isv.BUSINESS_LIMIT_CONTROL says which window was hit in its message (分钟级 / 小时级 / 天级 / 日级).
_LIMIT_WINDOWS = (("分钟", 60), ("小时", 3600), ("天", 86400), ("日", 86400))


def alibaba_error(code: str, message: str = "", retry_after: int | None = None) -> SmsError:
    """Map an Alibaba error code (business or gateway) to retry-later or give-up."""
    detail = f" Alibaba says: {message}" if message else ""
    if code in _RETRYABLE:
        if retry_after is None and code == "isv.BUSINESS_LIMIT_CONTROL":
            retry_after = next((seconds for word, seconds in _LIMIT_WINDOWS if word in message), 60)
        return SmsRetryable(_RETRYABLE[code] + detail, code, retry_after=retry_after)
    if code in _REJECTED:
        return SmsRejected(_REJECTED[code] + detail, code)
    if code.startswith("Throttling") or retry_after is not None:
        return SmsRetryable(
            "Alibaba Cloud is throttling our API calls." + detail, code, retry_after=retry_after
        )
    if code.startswith("isp."):
        return SmsRetryable("Alibaba Cloud SMS had a fault on its side." + detail, code)
    # An unknown code: sending again blindly could text the person twice, so a person looks first.
    return SmsRejected("Alibaba Cloud SMS refused the message." + detail, code)


def mainland_digits(phone: str) -> str:
    """Write a number as Alibaba wants it: mainland without +86, elsewhere country code without +."""
    compact = "".join(phone.split()).replace("-", "")
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact.removeprefix(prefix)
    return compact.removeprefix("+")


@dataclass(frozen=True)
class AlibabaSmsConfig:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    endpoint: str = DEFAULT_ENDPOINT  # host[:port]
    protocol: str = "https"
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS


class AlibabaSms:
    """Sends through Alibaba Cloud SMS; template variables are named, so params should be a dict."""

    name = PROVIDER

    def __init__(self, config: AlibabaSmsConfig) -> None:
        self.config = config
        timeout_ms = config.timeout_seconds * 1000
        self._client = Client(
            Config(
                access_key_id=config.access_key_id,
                access_key_secret=config.access_key_secret,
                endpoint=config.endpoint,
                protocol=config.protocol,
                read_timeout=timeout_ms,
                connect_timeout=timeout_ms,
            )
        )

    def send(
        self,
        *,
        phone: str,
        template: str,
        params: SmsParams,
        sign_name: str | None = None,
        language: str | None = None,
    ) -> SmsReceipt:
        if not isinstance(params, dict):
            raise TypeError("Alibaba SMS templates have named variables: pass params as a dict.")
        request = models.SendSmsRequest(
            phone_numbers=mainland_digits(phone),
            sign_name=sign_name or self.config.sign_name,
            template_code=template,
            template_param=json.dumps({key: str(value) for key, value in params.items()}, ensure_ascii=False),
        )
        try:
            body = self._client.send_sms(request).body
        except AlibabaCloudException as error:  # the gateway answered HTTP 4xx or 5xx
            status = error.status_code or 0
            code = "" if error.code in (None, "None") else str(error.code)  # the SDK writes none as "None"
            if status >= 500 and code not in _REJECTED:
                raise SmsRetryable(
                    f"Alibaba Cloud SMS answered HTTP {status}: {error.message}", code, error.retry_after
                ) from error
            raise alibaba_error(code, error.message or "", error.retry_after) from error
        # UnretryableException: the SDK's wrapper for network errors, timeouts and garbled answers.
        except UnretryableException as error:
            raise SmsRetryable(
                f"Alibaba Cloud SMS could not be reached or gave no usable answer: {error}", "NetworkError"
            ) from error
        if body is None or body.code != OK:
            code = body.code if body is not None and body.code else "EmptyResponse"
            raise alibaba_error(code, body.message if body is not None else "")
        return SmsReceipt(provider=PROVIDER, provider_message_id=body.biz_id or "")


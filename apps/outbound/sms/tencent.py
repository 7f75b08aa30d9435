"""Tencent Cloud SMS (API 2021-01-11, `SendSms`) on the official SDK, tencentcloud-sdk-python-sms.

Tencent answers an API-level failure as HTTP 200 with `Response.Error.Code`, and a per-number
failure inside a successful call as `SendStatusSet[].Code` other than "Ok"; both codes go through
the same table. Codes: https://cloud.tencent.com/document/api/382/55981 (SendSms, error codes).
"""

from dataclasses import dataclass

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from apps.outbound.sms.base import (
    SmsError,
    SmsParams,
    SmsReceipt,
    SmsRejected,
    SmsRetryable,
    e164_mainland,
    params_in_order,
)

PROVIDER = "tencent"
DEFAULT_REGION = "ap-guangzhou"
DEFAULT_TIMEOUT_SECONDS = 10
OK = "Ok"
DETAIL_LIMIT = 200

# Exact codes first; the reason is what an operator reads in the log or the admin.
_RETRYABLE: dict[str, tuple[str, int | None]] = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": (
        "This number was sent an SMS less than 30 seconds ago.",
        30,
    ),
    "LimitExceeded.PhoneNumberOneHourLimit": ("This number reached its hourly SMS limit.", 3600),
    "LimitExceeded.PhoneNumberDailyLimit": ("This number reached its daily SMS limit.", None),
    "LimitExceeded.PhoneNumberSameContentDailyLimit": (
        "This number already received this text today as often as allowed.",
        None,
    ),
    "LimitExceeded.DeliveryFrequencyLimit": (
        "The delivery frequency limit set in the SMS console was hit.",
        None,
    ),
    "LimitExceeded.AppDailyLimit": ("The SMS application reached its daily limit.", None),
    "LimitExceeded.AppGlobalDailyLimit": ("The SMS application reached its daily limit abroad.", None),
    "LimitExceeded.AppMainlandChinaDailyLimit": (
        "The SMS application reached its daily limit in mainland China.",
        None,
    ),
    "LimitExceeded.AppCountryOrRegionDailyLimit": (
        "The SMS application reached its daily limit for this region.",
        None,
    ),
    "RequestLimitExceeded": ("Tencent Cloud is throttling our API calls.", 1),
    "InternalError.Timeout": ("Tencent Cloud timed out delivering the SMS.", None),
    "ClientNetworkError": ("Could not reach Tencent Cloud SMS (network error or timeout).", None),
    "ServerNetworkError": ("Tencent Cloud SMS answered with an HTTP error status.", None),
}
_REJECTED: dict[str, str] = {
    "FailedOperation.InsufficientBalanceInSmsPackage": (
        "The Tencent Cloud SMS package has no messages left: top it up."
    ),
    "FailedOperation.TemplateIncorrectOrUnapproved": (
        "The SMS template is unknown, not approved, or its parameters do not match it."
    ),
    "FailedOperation.SignatureIncorrectOrUnapproved": "The SMS sign name is not approved or is malformed.",
    "FailedOperation.PhoneNumberInBlacklist": (
        "The number is on the do-not-disturb list (the person unsubscribed)."
    ),
    "FailedOperation.ContainSensitiveWord": "The text contains words the carriers block.",
    "FailedOperation.MissingTemplateToModify": "The SMS template does not exist.",
    "InvalidParameterValue.IncorrectPhoneNumber": "The mobile number is not valid.",
    "InvalidParameterValue.TemplateParameterFormatError": "A template parameter has the wrong format.",
    "InvalidParameterValue.TemplateParameterLengthLimit": "A template parameter is too long.",
    "InvalidParameterValue.ContentLengthLimit": "The text is too long.",
    "InvalidParameterValue.SdkAppIdNotExist": "The SMS SdkAppId does not exist.",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": "Template parameters may not contain links.",
    "LimitExceeded.PhoneNumberCountLimit": "Too many numbers in one request.",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "The SMS SdkAppId does not belong to these credentials.",
    "UnauthorizedOperation.RequestIpNotInWhitelist": "This server's IP address is not on the SMS allow-list.",
    "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny": (
        "An individual account may not send marketing SMS."
    ),
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": (
        "Mainland and international numbers cannot be mixed."
    ),
    "UnsupportedOperation.UnsupportedRegion": "SMS to this country or region is not supported.",
}
# Then whole families of codes.
_RETRYABLE_PREFIXES = ("LimitExceeded.", "RequestLimitExceeded.", "InternalError.")
_REJECTED_PREFIXES = {
    "AuthFailure.": "Tencent Cloud refused the credentials (secret id or key, or the request signature).",
    "UnauthorizedOperation.": "These Tencent Cloud credentials may not send this SMS.",
    "InvalidParameterValue.": "Tencent Cloud refused a parameter value.",
    "InvalidParameter.": "Tencent Cloud refused a parameter.",
    "MissingParameter": "A required parameter is missing.",
    "FailedOperation.": "Tencent Cloud refused to send the SMS.",
}
# InternalError codes that are our fault, not Tencent's: retrying sends the same bad request.
_REJECTED_INTERNAL = {
    "InternalError.SigVerificationFail": "Tencent Cloud could not verify the request signature.",
    "InternalError.SigFieldMissing": "The request carried no signature.",
    "InternalError.RestApiInterfaceNotExist": "The SMS API called does not exist.",
}


def tencent_error(code: str, message: str | bytes = "") -> SmsError:
    """Map a Tencent error code (API-level or per number) to retry-later or give-up."""
    if code in _RETRYABLE:
        reason, retry_after = _RETRYABLE[code]
        return SmsRetryable(_with_detail(reason, message), code, retry_after=retry_after)
    if code in _REJECTED:
        return SmsRejected(_with_detail(_REJECTED[code], message), code)
    if code in _REJECTED_INTERNAL:
        return SmsRejected(_with_detail(_REJECTED_INTERNAL[code], message), code)
    if code.startswith(_RETRYABLE_PREFIXES):
        return SmsRetryable(
            _with_detail("Tencent Cloud SMS is busy or failing; try again later.", message), code
        )
    for prefix, reason in _REJECTED_PREFIXES.items():
        if code.startswith(prefix):
            return SmsRejected(_with_detail(reason, message), code)
    # An unknown code: sending again blindly could text the person twice, so a person looks first.
    return SmsRejected(_with_detail("Tencent Cloud SMS refused the message.", message), code)


def _with_detail(reason: str, message: str | bytes) -> str:
    """Append Tencent's own words (an HTTP error page is cut short) for whoever reads the log."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    message = " ".join(str(message).split())[:DETAIL_LIMIT]
    return f"{reason} Tencent says: {message}" if message else reason


@dataclass(frozen=True)
class TencentSmsConfig:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    region: str = DEFAULT_REGION
    endpoint: str | None = None  # host[:port]; None means Tencent's own
    protocol: str = "https"
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS


class TencentSms:
    """Sends through Tencent Cloud SMS; one mainland or international number per call."""

    name = PROVIDER

    def __init__(self, config: TencentSmsConfig) -> None:
        self.config = config
        http_profile = HttpProfile(
            protocol=config.protocol,
            endpoint=config.endpoint,
            reqTimeout=config.timeout_seconds,
        )
        # No region breaker: it would fail over to another Tencent host on its own.
        profile = ClientProfile(httpProfile=http_profile, disable_region_breaker=True)
        self._client = sms_client.SmsClient(
            credential.Credential(config.secret_id, config.secret_key),
            config.region,
            profile,
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
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.config.sdk_app_id
        request.SignName = sign_name or self.config.sign_name
        request.TemplateId = template
        request.TemplateParamSet = params_in_order(params)
        request.PhoneNumberSet = [e164_mainland(phone)]
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as error:
            raise tencent_error(error.get_code() or "", error.get_message() or "") from error
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SmsRetryable("Tencent Cloud SMS answered without a delivery status.", "NoSendStatus")
        status = statuses[0]
        if status.Code != OK:
            raise tencent_error(status.Code or "", status.Message or "")
        return SmsReceipt(provider=PROVIDER, provider_message_id=status.SerialNo or "")


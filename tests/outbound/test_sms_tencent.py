"""Tencent Cloud SMS through its SDK, against a fake sms.tencentcloudapi.com on loopback."""

import json
import time

import pytest

from apps.outbound.sms.base import SmsRejected, SmsRetryable
from tests.outbound.conftest import (
    SIGN_NAME,
    TENCENT_APP_ID,
    TENCENT_SECRET_ID,
    TENCENT_SECRET_KEY,
    tencent_sms,
)
from tests.outbound.fakes import (
    TENCENT_VERSION,
    Answer,
    tencent_error,
    tencent_number_failed,
    tencent_sent,
    tencent_verifier,
)


def test_a_sent_message_gives_the_serial_number_as_the_provider_id(tencent_api):
    tencent_api.answer(tencent_sent(serial_no="2645:102426483117300513021908040"))

    receipt = tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["482913", "5"])

    assert receipt.provider == "tencent"
    assert receipt.provider_message_id == "2645:102426483117300513021908040"


def test_the_request_is_sendsms_2021_01_11_signed_with_tc3_over_the_json_body(tencent_api):
    tencent_api.answer(tencent_sent())

    tencent_sms(tencent_api.host).send(phone="+86 138 0013 8000", template="1110", params={"code": "482913"})

    request = tencent_api.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == TENCENT_VERSION
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["host"] == tencent_api.host
    assert abs(int(request.headers["x-tc-timestamp"]) - time.time()) < 60
    authorization = request.headers["authorization"]
    assert authorization.startswith(f"TC3-HMAC-SHA256 Credential={TENCENT_SECRET_ID}/")
    assert "/sms/tc3_request, SignedHeaders=content-type;host, Signature=" in authorization
    assert request.signature_ok, request.signature_problem  # recomputed by the fake from the secret
    assert request.json() == {
        "PhoneNumberSet": ["+8613800138000"],
        "SmsSdkAppId": TENCENT_APP_ID,
        "SignName": SIGN_NAME,
        "TemplateId": "1110",
        "TemplateParamSet": ["482913"],
    }


def test_the_fake_refuses_a_signature_made_with_another_key(tencent_api):
    """The check above means something: one changed byte of the body or the key fails it."""
    tencent_api.answer(tencent_sent())
    tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["1"])
    request = tencent_api.last
    tampered = type(request)(**{**request.__dict__, "body": request.body.replace(b"1110", b"1111")})
    assert tencent_verifier(secret_id=TENCENT_SECRET_ID, secret_key=TENCENT_SECRET_KEY)(tampered) == (
        "AuthFailure.SignatureFailure"
    )

    with pytest.raises(SmsRejected) as refused:
        tencent_sms(tencent_api.host, secret_key="not-the-key").send(
            phone="13800138000", template="1110", params=["1"]
        )
    assert refused.value.code == "AuthFailure.SignatureFailure"
    assert "credentials" in refused.value.reason


def test_a_sign_name_given_to_send_replaces_the_configured_one(tencent_api):
    tencent_api.answer(tencent_sent())
    tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=[], sign_name="撤回助手")
    assert tencent_api.last.json()["SignName"] == "撤回助手"


@pytest.mark.parametrize(
    ("code", "retry_after"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", 30),
        ("LimitExceeded.PhoneNumberOneHourLimit", 3600),
        ("LimitExceeded.PhoneNumberDailyLimit", None),
        ("LimitExceeded.DeliveryFrequencyLimit", None),
        ("RequestLimitExceeded", 1),
        ("InternalError.Timeout", None),
        ("InternalError.OtherError", None),
    ],
)
def test_rate_limits_and_tencents_own_faults_are_retried_later(tencent_api, code, retry_after):
    tencent_api.answer(tencent_error(code, "频率限制"))

    with pytest.raises(SmsRetryable) as later:
        tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["1"])

    assert later.value.code == code
    assert later.value.retry_after == retry_after
    assert later.value.reason


@pytest.mark.parametrize(
    ("code", "reason_part"),
    [
        ("FailedOperation.InsufficientBalanceInSmsPackage", "no messages left"),
        ("FailedOperation.TemplateIncorrectOrUnapproved", "template"),
        ("FailedOperation.SignatureIncorrectOrUnapproved", "sign name"),
        ("InvalidParameterValue.IncorrectPhoneNumber", "mobile number is not valid"),
        ("FailedOperation.PhoneNumberInBlacklist", "do-not-disturb"),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SdkAppId"),
        ("AuthFailure.SecretIdNotFound", "credentials"),
        ("InternalError.SigVerificationFail", "signature"),
        ("FailedOperation.SomethingNew", "refused"),
    ],
)
def test_what_a_person_must_fix_is_rejected_with_a_readable_reason(tencent_api, code, reason_part):
    tencent_api.answer(tencent_error(code, "说明"))

    with pytest.raises(SmsRejected) as refused:
        tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["1"])

    assert refused.value.code == code
    assert reason_part in refused.value.reason


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("LimitExceeded.PhoneNumberDailyLimit", SmsRetryable),
        ("FailedOperation.TemplateIncorrectOrUnapproved", SmsRejected),
        ("FailedOperation.InsufficientBalanceInSmsPackage", SmsRejected),
        ("InvalidParameterValue.IncorrectPhoneNumber", SmsRejected),
    ],
)
def test_a_refusal_for_the_number_inside_a_successful_call_is_mapped_the_same_way(tencent_api, code, error):
    tencent_api.answer(tencent_number_failed(code, "failed"))

    with pytest.raises(error) as caught:
        tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["1"])

    assert caught.value.code == code


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_an_http_error_from_the_gateway_is_retried_later(tencent_api, status):
    tencent_api.answer(Answer(status=status, body=b"<html>Bad Gateway</html>", content_type="text/html"))

    with pytest.raises(SmsRetryable) as later:
        tencent_sms(tencent_api.host).send(phone="13800138000", template="1110", params=["1"])

    assert later.value.code == "ServerNetworkError"


def test_a_refused_connection_is_retried_later(closed_port):
    with pytest.raises(SmsRetryable) as later:
        tencent_sms(f"127.0.0.1:{closed_port}").send(phone="13800138000", template="1110", params=["1"])
    assert later.value.code == "ClientNetworkError"


def test_no_answer_within_the_timeout_is_retried_later(tencent_api):
    tencent_api.answer(Answer(**{**tencent_sent().__dict__, "delay_seconds": 2.5}))

    with pytest.raises(SmsRetryable) as later:
        tencent_sms(tencent_api.host, timeout_seconds=1).send(
            phone="13800138000", template="1110", params=["1"]
        )
    assert later.value.code == "ClientNetworkError"


def test_a_dict_of_params_is_sent_in_its_order(tencent_api):
    tencent_api.answer(tencent_sent())
    tencent_sms(tencent_api.host).send(
        phone="13800138000",
        template="2220",
        params={"name": "张三", "ticket": "CH-2026-0042", "minutes": "5"},
    )
    assert json.loads(tencent_api.last.body)["TemplateParamSet"] == ["张三", "CH-2026-0042", "5"]

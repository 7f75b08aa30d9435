"""Alibaba Cloud SMS through its SDK, against a fake dysmsapi.aliyuncs.com on loopback."""

import json
from datetime import UTC, datetime

import pytest

from apps.outbound.sms.base import SmsRejected, SmsRetryable
from tests.outbound.conftest import ALIBABA_KEY_ID, SIGN_NAME, alibaba_sms
from tests.outbound.fakes import (
    ACS3_REQUIRED_HEADERS,
    ALIBABA_VERSION,
    Answer,
    alibaba_business_error,
    alibaba_gateway_error,
    alibaba_sent,
)


def send(api, **overrides):
    arguments = {
        "phone": "13800138000",
        "template": "SMS_154950909",
        "params": {"code": "482913"},
        **overrides,
    }
    return alibaba_sms(api.host).send(**arguments)


def test_a_sent_message_gives_the_bizid_as_the_provider_id(alibaba_api):
    alibaba_api.answer(alibaba_sent(biz_id="900619746936498440^0"))

    receipt = send(alibaba_api)

    assert receipt.provider == "alibaba"
    assert receipt.provider_message_id == "900619746936498440^0"


def test_the_request_is_sendsms_2017_05_25_signed_with_acs3(alibaba_api):
    alibaba_api.answer(alibaba_sent())

    send(alibaba_api, phone="+86 138 0013 8000")

    request = alibaba_api.last
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == ALIBABA_VERSION
    assert request.headers["host"] == alibaba_api.host
    signed_at = datetime.strptime(request.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    authorization = request.headers["authorization"]
    assert authorization.startswith(f"ACS3-HMAC-SHA256 Credential={ALIBABA_KEY_ID},SignedHeaders=")
    signed_headers = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert set(signed_headers) >= ACS3_REQUIRED_HEADERS
    assert request.signature_ok, request.signature_problem  # recomputed by the fake from the secret
    assert request.query == {
        "PhoneNumbers": "13800138000",
        "SignName": SIGN_NAME,
        "TemplateCode": "SMS_154950909",
        "TemplateParam": '{"code": "482913"}',
    }
    assert json.loads(request.query["TemplateParam"]) == {"code": "482913"}


def test_the_fake_refuses_a_signature_made_with_another_secret(alibaba_api):
    alibaba_api.answer(alibaba_sent())

    with pytest.raises(SmsRejected) as refused:
        alibaba_sms(alibaba_api.host, access_key_secret="not-the-secret").send(
            phone="13800138000",
            template="SMS_1",
            params={"code": "1"},
        )

    assert alibaba_api.last.signature_problem == "SignatureDoesNotMatch"
    assert refused.value.code == "SignatureDoesNotMatch"
    assert "signature" in refused.value.reason


def test_template_values_must_be_named(alibaba_api):
    with pytest.raises(TypeError, match="named variables"):
        send(alibaba_api, params=["482913"])
    assert not alibaba_api.received


@pytest.mark.parametrize(
    ("message", "retry_after"),
    [
        ("触发分钟级流控Permits:1", 60),
        ("触发小时级流控Permits:5", 3600),
        ("触发天级流控Permits:10", 86400),
        ("frequency limited", 60),
    ],
)
def test_the_business_rate_limit_is_retried_after_its_window(alibaba_api, message, retry_after):
    alibaba_api.answer(alibaba_business_error("isv.BUSINESS_LIMIT_CONTROL", message))

    with pytest.raises(SmsRetryable) as later:
        send(alibaba_api)

    assert later.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert later.value.retry_after == retry_after
    assert "frequency limit" in later.value.reason


@pytest.mark.parametrize("code", ["isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isv.DAY_LIMIT_CONTROL"])
def test_alibabas_own_faults_are_retried_later(alibaba_api, code):
    alibaba_api.answer(alibaba_business_error(code, "系统错误"))
    with pytest.raises(SmsRetryable) as later:
        send(alibaba_api)
    assert later.value.code == code


@pytest.mark.parametrize(
    ("code", "reason_part"),
    [
        ("isv.AMOUNT_NOT_ENOUGH", "no balance"),
        ("isv.SMS_TEMPLATE_ILLEGAL", "template"),
        ("isv.SMS_SIGNATURE_ILLEGAL", "sign name"),
        ("isv.MOBILE_NUMBER_ILLEGAL", "mobile number is not valid"),
        ("isv.TEMPLATE_MISSING_PARAMETERS", "variable"),
        ("isv.SOMETHING_NEW", "refused"),
    ],
)
def test_what_a_person_must_fix_is_rejected_with_a_readable_reason(alibaba_api, code, reason_part):
    alibaba_api.answer(alibaba_business_error(code, "说明"))

    with pytest.raises(SmsRejected) as refused:
        send(alibaba_api)

    assert refused.value.code == code
    assert reason_part in refused.value.reason
    assert "说明" in refused.value.reason  # Alibaba's own words follow, for the operator


@pytest.mark.parametrize(
    ("status", "code", "headers", "retry_after"),
    [
        (400, "Throttling.User", {}, None),
        (400, "Throttling.Api", {}, None),
        (429, "Throttling", {"x-acs-retry-after": "7"}, 7),
        (503, "ServiceUnavailable", {}, None),
        (500, "InternalError", {}, None),
        (502, "SomeGatewayFault", {}, None),
    ],
)
def test_throttling_and_http_5xx_from_the_gateway_are_retried_later(
    alibaba_api, status, code, headers, retry_after
):
    alibaba_api.answer(alibaba_gateway_error(status, code, "Request was denied.", headers=headers))

    with pytest.raises(SmsRetryable) as later:
        send(alibaba_api)

    assert later.value.code == code
    assert later.value.retry_after == retry_after


def test_a_5xx_that_is_not_json_is_retried_later(alibaba_api):
    alibaba_api.answer(Answer(status=502, body=b"<html>Bad Gateway</html>", content_type="text/html"))
    with pytest.raises(SmsRetryable):
        send(alibaba_api)


def test_a_refused_connection_is_retried_later(closed_port):
    with pytest.raises(SmsRetryable) as later:
        alibaba_sms(f"127.0.0.1:{closed_port}").send(
            phone="13800138000", template="SMS_1", params={"code": "1"}
        )
    assert later.value.code == "NetworkError"


def test_no_answer_within_the_timeout_is_retried_later(alibaba_api):
    alibaba_api.answer(Answer(**{**alibaba_sent().__dict__, "delay_seconds": 2.5}))

    with pytest.raises(SmsRetryable) as later:
        alibaba_sms(alibaba_api.host, timeout_seconds=1).send(
            phone="13800138000",
            template="SMS_1",
            params={"code": "1"},
        )
    assert later.value.code == "NetworkError"

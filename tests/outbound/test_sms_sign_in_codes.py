"""Sign-in codes leave through the configured SMS_PROVIDER and reach the provider's API."""

import json

import pytest
from django.utils import translation

from apps.accounts.services import sms_code_send, sms_code_verify
from apps.accounts.sms import sms_provider_get
from apps.core.errors import ApplicationError
from apps.outbound.sms.base import SmsRejected, SmsRetryable
from apps.outbound.sms.codes import code_sender_from_environment
from tests.outbound.conftest import alibaba_environment, tencent_environment
from tests.outbound.fakes import (
    alibaba_business_error,
    alibaba_sent,
    tencent_error,
    tencent_number_failed,
    tencent_sent,
)

PHONE = "13800138000"
IP = "203.0.113.5"

TENCENT_PROVIDERS = ["apps.accounts.sms.TencentSmsProvider"]
ALIBABA_PROVIDERS = ["apps.accounts.sms.AlibabaSmsProvider"]


@pytest.fixture
def provider_configured(monkeypatch, settings):
    """Point SMS_PROVIDER at a class and the environment at the fake API."""

    def _configure(provider_path: str, variables: dict[str, str]) -> None:
        settings.SMS_PROVIDER = provider_path
        monkeypatch.delenv("CHEHUI_SMS_BACKEND", raising=False)  # the class names its backend itself
        for name, value in variables.items():
            if name != "CHEHUI_SMS_BACKEND":
                monkeypatch.setenv(name, value)

    return _configure


def tencent_code(api) -> str:
    body = api.last.json()
    assert api.last.signature_ok, api.last.signature_problem
    assert body["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert body["TemplateId"] == "1110"
    [code] = body["TemplateParamSet"]
    return code


def alibaba_code(api) -> str:
    query = api.last.query
    assert api.last.signature_ok, api.last.signature_problem
    assert query["PhoneNumbers"] == PHONE
    assert query["TemplateCode"] == "SMS_154950909"
    return json.loads(query["TemplateParam"])["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("provider_path", TENCENT_PROVIDERS)
def test_a_sign_in_code_goes_to_tencent_as_the_template_parameter(
    tencent_api,
    provider_configured,
    provider_path,
    django_capture_on_commit_callbacks,
):
    provider_configured(provider_path, tencent_environment(tencent_api.host))
    tencent_api.answer(tencent_sent())

    with django_capture_on_commit_callbacks(execute=True):
        sms_code_send(phone=PHONE, ip_address=IP)

    code = tencent_code(tencent_api)
    assert sms_code_verify(phone=PHONE, code=code).phone == PHONE  # the code that left is the one that works


@pytest.mark.django_db
@pytest.mark.parametrize("provider_path", ALIBABA_PROVIDERS)
def test_a_sign_in_code_goes_to_alibaba_as_the_template_parameter(
    alibaba_api,
    provider_configured,
    provider_path,
    django_capture_on_commit_callbacks,
):
    provider_configured(provider_path, alibaba_environment(alibaba_api.host))
    alibaba_api.answer(alibaba_sent())

    with django_capture_on_commit_callbacks(execute=True):
        sms_code_send(phone=PHONE, ip_address=IP)

    code = alibaba_code(alibaba_api)
    assert sms_code_verify(phone=PHONE, code=code).phone == PHONE


def test_sms_provider_get_sends_the_code_it_is_given(tencent_api, alibaba_api, provider_configured):
    tencent_api.answer(tencent_sent())
    alibaba_api.answer(alibaba_sent())

    provider_configured(TENCENT_PROVIDERS[0], tencent_environment(tencent_api.host))
    sms_provider_get().send_code(phone=PHONE, code="482913", purpose="sign_in")
    provider_configured(ALIBABA_PROVIDERS[0], alibaba_environment(alibaba_api.host))
    sms_provider_get().send_code(phone=PHONE, code="739104", purpose="sign_in")

    assert tencent_code(tencent_api) == "482913"
    assert alibaba_code(alibaba_api) == "739104"


def test_the_alibaba_code_variable_can_be_renamed(alibaba_api, provider_configured, monkeypatch):
    provider_configured(ALIBABA_PROVIDERS[0], alibaba_environment(alibaba_api.host))
    monkeypatch.setenv("CHEHUI_SMS_CODE_PARAM", "verifyCode")
    alibaba_api.answer(alibaba_sent())

    sms_provider_get().send_code(phone=PHONE, code="482913", purpose="sign_in")

    assert json.loads(alibaba_api.last.query["TemplateParam"]) == {"verifyCode": "482913"}


@pytest.mark.parametrize(
    ("answer", "retryable", "message_part", "in_chinese"),
    [
        (
            tencent_error("LimitExceeded.PhoneNumberThirtySecondLimit", "30秒内"),
            True,
            "Wait a minute",
            "稍等一分钟",
        ),
        (
            tencent_number_failed("FailedOperation.InsufficientBalanceInSmsPackage", "余额不足"),
            False,
            "cannot be sent",
            "稍后再试",
        ),
        (
            tencent_number_failed("InvalidParameterValue.IncorrectPhoneNumber", "号码错误"),
            False,
            "Check it",
            "检查号码",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_code_tells_the_person_what_to_do(
    tencent_api, provider_configured, answer, retryable, message_part, in_chinese, language
):
    provider_configured(TENCENT_PROVIDERS[0], tencent_environment(tencent_api.host))
    tencent_api.answer(answer)

    expected = message_part if language == "en" else in_chinese
    with translation.override(language), pytest.raises(ApplicationError, match=expected) as refused:
        sms_provider_get().send_code(phone=PHONE, code="482913", purpose="sign_in")

    assert refused.value.extra["reason"] == "sms_not_sent"
    assert refused.value.extra["retryable"] is retryable


def test_the_code_sender_under_the_sign_in_provider_raises_the_sms_errors_themselves(
    alibaba_api, provider_configured
):
    provider_configured(ALIBABA_PROVIDERS[0], alibaba_environment(alibaba_api.host))
    sender = code_sender_from_environment(backend="alibaba")

    alibaba_api.answer(alibaba_business_error("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"))
    with pytest.raises(SmsRetryable):
        sender.send_code(phone=PHONE, code="482913", purpose="sign_in")

    alibaba_api.answer(alibaba_business_error("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法"))
    with pytest.raises(SmsRejected):
        sender.send_code(phone=PHONE, code="482913", purpose="sign_in")

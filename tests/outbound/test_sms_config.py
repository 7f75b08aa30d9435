"""Choosing and configuring the SMS provider from environment variables; the development provider."""

import logging
import re

import pytest

from apps.outbound.sms.alibaba import AlibabaSms
from apps.outbound.sms.codes import CodeSender, code_sender_from_environment
from apps.outbound.sms.config import (
    SmsConfigurationError,
    endpoint_parse,
    sms_provider_from_environment,
    sms_templates_from_environment,
)
from apps.outbound.sms.log import LogSms
from apps.outbound.sms.tencent import TencentSms
from tests.outbound.conftest import alibaba_environment, tencent_environment

HOST = "127.0.0.1:9"  # never contacted here


def missing(name: str):
    return pytest.raises(SmsConfigurationError, match=re.escape(f"set the environment variable {name}"))


def test_the_tencent_backend_is_built_from_its_variables():
    provider = sms_provider_from_environment(
        environ={**tencent_environment(HOST), "CHEHUI_SMS_TENCENT_REGION": "ap-beijing"}
    )

    assert isinstance(provider, TencentSms)
    assert provider.config.sdk_app_id == "1400006666"
    assert provider.config.region == "ap-beijing"
    assert (provider.config.protocol, provider.config.endpoint) == ("http", "127.0.0.1:9")


def test_the_alibaba_backend_is_built_from_its_variables():
    provider = sms_provider_from_environment(environ=alibaba_environment(HOST))

    assert isinstance(provider, AlibabaSms)
    assert provider.config.sign_name == "车回"
    assert (provider.config.protocol, provider.config.endpoint) == ("http", "127.0.0.1:9")


def test_without_an_endpoint_the_providers_own_https_hosts_are_used():
    tencent = tencent_environment(HOST)
    alibaba = alibaba_environment(HOST)
    del tencent["CHEHUI_SMS_ENDPOINT"], alibaba["CHEHUI_SMS_ENDPOINT"]

    tencent_provider = sms_provider_from_environment(environ=tencent)
    alibaba_provider = sms_provider_from_environment(environ=alibaba)

    assert isinstance(tencent_provider, TencentSms) and isinstance(alibaba_provider, AlibabaSms)
    assert (tencent_provider.config.protocol, tencent_provider.config.endpoint) == ("https", None)
    assert tencent_provider.config.region == "ap-guangzhou"
    assert (alibaba_provider.config.protocol, alibaba_provider.config.endpoint) == (
        "https",
        "dysmsapi.aliyuncs.com",
    )


@pytest.mark.parametrize(
    "name",
    [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "CHEHUI_SMS_TENCENT_APP_ID",
        "CHEHUI_SMS_SIGN_NAME",
    ],
)
def test_a_missing_tencent_variable_is_named(name):
    environ = tencent_environment(HOST)
    del environ[name]
    with missing(name):
        sms_provider_from_environment(environ=environ)


@pytest.mark.parametrize(
    "name",
    [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "CHEHUI_SMS_SIGN_NAME",
    ],
)
def test_a_missing_alibaba_variable_is_named(name):
    environ = {**alibaba_environment(HOST), name: "  "}  # blank counts as missing
    with missing(name):
        sms_provider_from_environment(environ=environ)


def test_the_backend_must_be_chosen_and_known():
    with missing("CHEHUI_SMS_BACKEND"):
        sms_provider_from_environment(environ={})
    with pytest.raises(SmsConfigurationError, match="use one of: tencent, alibaba, log"):
        sms_provider_from_environment(environ={"CHEHUI_SMS_BACKEND": "twilio"})


def test_a_bad_endpoint_or_timeout_is_explained():
    with pytest.raises(
        SmsConfigurationError, match="CHEHUI_SMS_ENDPOINT must start with http:// or https://"
    ):
        sms_provider_from_environment(environ={**tencent_environment(HOST), "CHEHUI_SMS_ENDPOINT": "ftp://x"})
    with pytest.raises(SmsConfigurationError, match="CHEHUI_SMS_TIMEOUT_SECONDS must be a whole number"):
        sms_provider_from_environment(
            environ={**tencent_environment(HOST), "CHEHUI_SMS_TIMEOUT_SECONDS": "0.5"}
        )


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
        ("https://sms.tencentcloudapi.com/", ("https", "sms.tencentcloudapi.com")),
        ("dysmsapi.aliyuncs.com", ("https", "dysmsapi.aliyuncs.com")),
    ],
)
def test_the_endpoint_names_the_scheme_or_defaults_to_https(value, parsed):
    assert endpoint_parse(value) == parsed


def test_templates_are_read_per_purpose():
    assert sms_templates_from_environment(
        {
            "CHEHUI_SMS_TEMPLATE_SIGN_IN": " 1110 ",
            "CHEHUI_SMS_TEMPLATE_TICKET_UPDATE": "2220",
            "CHEHUI_SMS_TEMPLATE_EMPTY": "",
            "OTHER": "x",
        }
    ) == {"sign_in": "1110", "ticket_update": "2220"}


def test_a_code_sender_needs_the_sign_in_template():
    environ = tencent_environment(HOST)
    del environ["CHEHUI_SMS_TEMPLATE_SIGN_IN"]
    with missing("CHEHUI_SMS_TEMPLATE_SIGN_IN"):
        code_sender_from_environment(environ=environ)


def test_a_code_for_a_purpose_without_template_names_the_variable_to_set():
    sender = CodeSender(provider=LogSms(), templates={"sign_in": "1110"})
    with pytest.raises(SmsConfigurationError, match="CHEHUI_SMS_TEMPLATE_PASSWORD_RESET"):
        sender.send_code(phone="13800138000", code="123456", purpose="password_reset")


def test_the_log_backend_logs_the_message_with_the_number_masked(caplog):
    provider = sms_provider_from_environment(environ={"CHEHUI_SMS_BACKEND": "log"})

    with caplog.at_level(logging.WARNING, logger="chehui.sms"):
        receipt = provider.send(phone="13800138000", template="sign_in", params={"code": "482913"})

    assert receipt.provider == "log"
    assert receipt.provider_message_id.startswith("log-")
    [record] = [record for record in caplog.records if record.name == "chehui.sms"]
    assert record.levelno == logging.WARNING
    assert "138****8000" in record.getMessage()
    assert "13800138000" not in record.getMessage()
    assert record.getMessage().endswith("482913")

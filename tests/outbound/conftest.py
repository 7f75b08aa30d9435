"""Fixtures for the SMS tests: the fake provider APIs, and a guard keeping every connection on loopback."""

import socket

import pytest

from apps.outbound.sms.alibaba import AlibabaSms, AlibabaSmsConfig
from apps.outbound.sms.tencent import TencentSms, TencentSmsConfig
from tests.outbound.fakes import fake_alibaba, fake_tencent

TENCENT_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"
TENCENT_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TENCENT_APP_ID = "1400006666"
ALIBABA_KEY_ID = "LTAI5tExampleKeyId00000"
ALIBABA_KEY_SECRET = "ExampleSecretOfThirtyCharacters0"
SIGN_NAME = "车回"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """No SDK may reach the internet from these tests: refuse any connection that is not to loopback."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
            raise AssertionError(f"a test tried to connect to {address!r}, off loopback")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def tencent_api():
    fake = fake_tencent(secret_id=TENCENT_SECRET_ID, secret_key=TENCENT_SECRET_KEY)
    yield fake
    fake.close()


@pytest.fixture
def alibaba_api():
    fake = fake_alibaba(access_key_id=ALIBABA_KEY_ID, access_key_secret=ALIBABA_KEY_SECRET)
    yield fake
    fake.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tencent_sms(host: str, *, secret_key: str = TENCENT_SECRET_KEY, timeout_seconds: int = 5) -> TencentSms:
    return TencentSms(
        TencentSmsConfig(
            secret_id=TENCENT_SECRET_ID,
            secret_key=secret_key,
            sdk_app_id=TENCENT_APP_ID,
            sign_name=SIGN_NAME,
            region="ap-guangzhou",
            endpoint=host,
            protocol="http",
            timeout_seconds=timeout_seconds,
        )
    )


def alibaba_sms(
    host: str, *, access_key_secret: str = ALIBABA_KEY_SECRET, timeout_seconds: int = 5
) -> AlibabaSms:
    return AlibabaSms(
        AlibabaSmsConfig(
            access_key_id=ALIBABA_KEY_ID,
            access_key_secret=access_key_secret,
            sign_name=SIGN_NAME,
            endpoint=host,
            protocol="http",
            timeout_seconds=timeout_seconds,
        )
    )


def tencent_environment(host: str) -> dict[str, str]:
    return {
        "CHEHUI_SMS_BACKEND": "tencent",
        "TENCENTCLOUD_SECRET_ID": TENCENT_SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": TENCENT_SECRET_KEY,
        "CHEHUI_SMS_TENCENT_APP_ID": TENCENT_APP_ID,
        "CHEHUI_SMS_SIGN_NAME": SIGN_NAME,
        "CHEHUI_SMS_ENDPOINT": f"http://{host}",
        "CHEHUI_SMS_TEMPLATE_SIGN_IN": "1110",
    }


def alibaba_environment(host: str) -> dict[str, str]:
    return {
        "CHEHUI_SMS_BACKEND": "alibaba",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ALIBABA_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ALIBABA_KEY_SECRET,
        "CHEHUI_SMS_SIGN_NAME": SIGN_NAME,
        "CHEHUI_SMS_ENDPOINT": f"http://{host}",
        "CHEHUI_SMS_TEMPLATE_SIGN_IN": "SMS_154950909",
    }

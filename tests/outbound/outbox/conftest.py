"""Fixtures of the outbox tests: the fake SMS provider, the inline worker, the SMTP server."""

from collections.abc import Iterator

import pytest

from apps.outbound import services
from tests.outbound.outbox.support import FakeSms, InlineWorker, SmtpServer, fake_sms_install, free_port


@pytest.fixture
def fake_sms(settings) -> Iterator[FakeSms]:
    fake = fake_sms_install()
    settings.OUTBOUND_SMS_PROVIDER = "tests.outbound.outbox.support.fake_sms_provider"
    yield fake


@pytest.fixture
def worker(monkeypatch) -> InlineWorker:
    inline = InlineWorker()
    monkeypatch.setattr(services, "current_app", inline)
    return inline


@pytest.fixture
def smtp_port(settings) -> int:
    """Point Django's SMTP backend at a loopback port (nothing listens until a test starts a server)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Chehui <noreply@chehui.example>"
    return port


@pytest.fixture
def smtp_server(smtp_port) -> Iterator[SmtpServer]:
    server = SmtpServer(smtp_port)
    server.start()
    yield server
    server.stop()

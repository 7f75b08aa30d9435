"""Helpers of the outbox tests: a fake SMS provider, a worker that runs queued tasks at once, a
real SMTP server on loopback (aiosmtpd). The fixtures over them are in conftest.py."""

import email
import email.policy
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from apps.outbound.models import Channel, OutboundMessage
from apps.outbound.services import outbound_deliver
from apps.outbound.sms.base import SmsError, SmsReceipt

PHONE = "13800138000"
ADDRESS = "zhang.wei@example.com"


class FakeSms:
    """Answers each send with the next scripted outcome (a receipt by default) and records it."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.script: list[SmsError | None] = []
        self.during_send: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def send(self, *, phone: str, template: str, params: Any, sign_name: str | None = None,
             language: str | None = None) -> SmsReceipt:
        with self._lock:
            self.calls.append({"phone": phone, "template": template, "params": params, "language": language})
            number = len(self.calls)
            outcome = self.script.pop(0) if self.script else None
        if self.during_send is not None:
            self.during_send()
        if outcome is not None:
            raise outcome
        return SmsReceipt(provider="fake", provider_message_id=f"fake-{number}")


class _Current:
    provider = FakeSms()


def fake_sms_provider() -> FakeSms:
    """What settings.OUTBOUND_SMS_PROVIDER points at in these tests."""
    return _Current.provider


def fake_sms_install() -> FakeSms:
    _Current.provider = FakeSms()
    return _Current.provider


@dataclass
class InlineWorker:
    """Stands in for the broker: records each task sent by name, and runs deliveries when running."""

    running: bool = True
    broker_down: bool = False
    sent: list[tuple[str, list[Any], dict[str, Any]]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)

    def send_task(self, name: str, args: list[Any], **options: Any) -> None:
        if self.broker_down:
            raise ConnectionRefusedError("broker down")
        self.sent.append((name, list(args), options))
        if self.running and name == "outbound.deliver":
            self.outcomes.append(outbound_deliver(message_id=args[0]).value)

    def delivered_ids(self) -> list[int]:
        return [args[0] for name, args, _options in self.sent if name == "outbound.deliver"]


@dataclass
class Mailbox:
    """What the SMTP server received: the envelope and the parsed message of each DATA."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1:`port`, started and stopped by the test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def sms_message(**overrides: Any) -> OutboundMessage:
    """A row written directly, for tests of delivery and catch-up rather than of enqueueing."""
    fields: dict[str, Any] = {
        "channel": Channel.SMS, "recipient": PHONE, "event": "ticket_received", "language": "zh-hans",
        "body": "您的撤诉申请已受理。", "sms_template": "2001", "sms_params": {"reference": "CH-1"},
        "dedupe_key": f"test:{OutboundMessage.objects.count()}:{id(overrides)}",
    }
    return OutboundMessage.objects.create(**{**fields, **overrides})

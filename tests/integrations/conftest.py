"""Integrations, keys and clients for the integration layer's tests."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from apps.integrations.models import ApiKey, Integration
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_issue
from apps.policy.models import Platform


@pytest.fixture(autouse=True)
def _integration_urls(settings):
    settings.ROOT_URLCONF = "tests.integrations.urls"


class FrozenClock:
    """apps.core.clock.now, held still and moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.moment += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    clock = FrozenClock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


@pytest.fixture
def crm(db) -> Integration:
    integration = Integration.objects.create(name="WeChat CRM", contact_email="dev@crm.example")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    return integration


def issue(integration: Integration, *scopes: str, **kwargs) -> tuple[ApiKey, str]:
    return api_key_issue(
        integration=integration,
        scopes=scopes or list(Scope.values),
        expires_at=kwargs.pop("expires_at", None),
        actor=None,
        **kwargs,
    )


def key_client(plain: str, header: str = "bearer") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if header == "bearer":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    else:
        client.credentials(HTTP_X_API_KEY=plain)
    return client


class Receiver:
    """A real HTTP server on loopback that records each webhook and answers from a script."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.received: list[dict] = []
        self.answers: list[tuple[int, bytes, dict[str, str]]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status, answer, headers = receiver.answers.pop(0) if receiver.answers else (200, b"ok", {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/chehui"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.answers.append((status, body, headers or {}))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()

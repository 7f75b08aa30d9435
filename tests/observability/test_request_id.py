"""The request id: chosen once per request, returned in X-Request-ID, on every JSON log line of the
request, and on the log lines of the Celery tasks the request queued."""

import io
import json
import logging
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
import structlog
from django.http import HttpResponse
from django.test import RequestFactory

from apps.observability.logging import logging_config
from apps.observability.request_id import RequestIdMiddleware
from config.celery_app import BROKER_RETURN_TASKS
from config.celery_app import app as celery_app

TEST_QUEUE = "chehui-test-observability"
TASK_LOGGER = "tests.observability.task"


@celery_app.task(name="tests.observability.log_line")
def log_line(marker: str) -> None:
    """Write one line through structlog and one through plain logging, as task code does."""
    structlog.get_logger(TASK_LOGGER).info("structlog_line", marker=marker)
    logging.getLogger(TASK_LOGGER).info("plain line %s", marker)


class JsonLines:
    """A root handler with the production formatter; `lines()` parses what it wrote."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        formatter_config = logging_config(json=True)["formatters"]["json"]
        factory = formatter_config.pop("()")
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(factory(**formatter_config))

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def json_logs() -> Iterator[JsonLines]:
    capture = JsonLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.INFO)
    yield capture
    root.removeHandler(capture.handler)
    root.setLevel(level)


def _forget_catch_up_tasks() -> None:
    """The worker queued the broker-return catch-ups (config/celery_app.py) on connecting: no
    worker of this suite runs them, so take them off the default queue again."""
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    for raw in client.lrange("celery", 0, -1):
        if any(name.encode() in raw for name in BROKER_RETURN_TASKS):
            client.lrem("celery", 1, raw)


@pytest.mark.django_db
def test_a_request_gets_a_fresh_id_in_the_answer(client):
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert first != second
    assert uuid.UUID(first) and uuid.UUID(second)


@pytest.mark.django_db
def test_an_incoming_id_is_kept_when_valid_and_replaced_when_not(client):
    assert client.get("/health/live", HTTP_X_REQUEST_ID="edge-7f3a:42")["X-Request-ID"] == "edge-7f3a:42"
    for bad in ("x" * 129, "two words", 'quote"injection', "line\nbreak"):
        returned = client.get("/health/live", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert returned != bad and uuid.UUID(returned)


@pytest.mark.django_db
def test_errors_carry_the_id_too(client):
    assert client.get("/no-such-page/", HTTP_X_REQUEST_ID="abc123")["X-Request-ID"] == "abc123"


@pytest.mark.django_db
def test_every_log_line_of_a_request_is_json_with_its_id(client, settings, json_logs):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # readiness logs a warning (plain logging)
    response = client.get("/health/ready", HTTP_X_REQUEST_ID="req-0001")
    assert response.status_code == 503
    lines = json_logs.lines()
    events = [line["event"] for line in lines]
    assert "request_started" in events and "request_finished" in events
    assert any(str(event).startswith("readiness check broker failed") for event in events)
    assert lines and all(line["request_id"] == "req-0001" for line in lines)
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert finished["code"] == 503 and finished["level"] == "error" and finished["timestamp"]


@pytest.mark.django_db
def test_an_eager_task_logs_under_the_request_id(json_logs):
    celery_app.conf.task_always_eager = True
    try:
        middleware = RequestIdMiddleware(lambda request: log_line.delay("eager") and HttpResponse())
        response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-eager"))
    finally:
        celery_app.conf.task_always_eager = False
    assert response["X-Request-ID"] == "req-eager"
    task_lines = [line for line in json_logs.lines() if line.get("logger") == TASK_LOGGER]
    assert len(task_lines) == 2
    assert all(line["request_id"] == "req-eager" for line in task_lines)
    assert all(line["task_name"] == log_line.name for line in task_lines)


def test_a_task_queued_by_a_request_logs_its_id_in_a_real_worker(json_logs):
    """Through the Redis broker and a worker in this process: the id travels in the message headers."""
    from celery.contrib.testing.worker import start_worker

    marker = uuid.uuid4().hex
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[TEST_QUEUE]):
        # Starting the worker applies LOGGING again (setup_logging): capture from here on.
        logging.getLogger().addHandler(json_logs.handler)
        logging.getLogger().setLevel(logging.INFO)

        def view(request):
            log_line.apply_async((marker,), queue=TEST_QUEUE)
            return HttpResponse()

        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-worker"))
        assert response["X-Request-ID"] == "req-worker"
        assert structlog.contextvars.get_contextvars().get("request_id") is None  # unbound after
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            task_lines = [line for line in json_logs.lines() if line.get("marker") == marker]
            if task_lines:
                break
            time.sleep(0.1)
    _forget_catch_up_tasks()
    assert task_lines, "the worker did not run the task"
    (line,) = task_lines
    assert line["request_id"] == "req-worker"
    assert line["task_name"] == log_line.name and line["task_id"]

"""/metrics: who may scrape it, and the domain's figures it shows for known tickets and backlogs."""

from datetime import timedelta

import pytest
import redis
from celery.signals import task_failure
from django.conf import settings
from django.test import Client

from apps.core import clock
from apps.integrations.models import DeliveryStatus, Integration, WebhookDelivery, WebhookSubscription
from apps.observability.metrics.celery import FAILURES_KEY
from apps.outbound.models import Channel, MessageStatus, OutboundMessage
from apps.tickets.models import EventKind, TicketEvent, TicketStatus
from tests.factories import DraftFactory, TicketFactory
from tests.observability.conftest import samples

pytestmark = pytest.mark.django_db


def value(text: str, name: str, **labels: str) -> float:
    return samples(text)[(name, frozenset(labels.items()))]


def outbox_message(status: str, age: timedelta, n: int) -> OutboundMessage:
    return OutboundMessage.objects.create(
        channel=Channel.EMAIL, recipient="a@example.com", event="test", language="en",
        body="hello", dedupe_key=f"obs-test-{n}", status=status, created_at=clock.now() - age,
    )


def test_the_domain_gauges_count_tickets_breaches_and_backlogs(scrape, preliminary_review):
    now = clock.now()
    TicketFactory.create_batch(2, stage=preliminary_review)
    TicketFactory(stage=preliminary_review, decision_breached_at=now - timedelta(minutes=5))
    receipt = now + timedelta(hours=9)  # submitted at night: received when service opens
    TicketFactory(stage=None, status=TicketStatus.SUBMITTED, received_at=receipt, next_transition_at=receipt)
    late = TicketFactory(stage=preliminary_review, next_transition_at=now - timedelta(seconds=300))
    TicketFactory(stage=preliminary_review, next_transition_at=now + timedelta(hours=1))
    DraftFactory()  # intake in progress: not counted
    TicketFactory(status=TicketStatus.APPROVED, stage=preliminary_review)  # closed: not counted
    TicketEvent.objects.create(
        ticket=late, kind=EventKind.DEADLINE_BREACHED, to_value="decision",
        occurred_at=now - timedelta(minutes=10),
    )
    TicketEvent.objects.create(
        ticket=late, kind=EventKind.DEADLINE_BREACHED, to_value="first_contact",
        occurred_at=now - timedelta(hours=2),  # outside the hour
    )
    outbox_message(MessageStatus.QUEUED, timedelta(minutes=2), 1)
    outbox_message(MessageStatus.SENDING, timedelta(minutes=20), 2)
    outbox_message(MessageStatus.SENT, timedelta(hours=3), 3)  # sent: not backlog
    integration = Integration.objects.create(name="CRM")
    subscription = WebhookSubscription.objects.create(integration=integration, url="https://crm.example.com/h")
    event = TicketEvent.objects.create(ticket=late, kind=EventKind.NOTE)
    WebhookDelivery.objects.create(
        subscription=subscription, event=event, payload={}, created_at=now - timedelta(minutes=30)
    )
    other = TicketEvent.objects.create(ticket=late, kind=EventKind.NOTE)
    WebhookDelivery.objects.create(
        subscription=subscription, event=other, payload={}, status=DeliveryStatus.SUCCEEDED
    )

    text = scrape()

    assert value(text, "chehui_tickets_open", stage="preliminary_review", status="received") == 5
    assert value(text, "chehui_tickets_open", stage="none", status="submitted") == 1
    assert not [labels for name, labels in samples(text) if name == "chehui_tickets_open" and (
        ("status", "approved") in labels or ("status", "draft") in labels
    )]
    assert value(text, "chehui_tickets_breached_open", deadline="decision") == 1
    assert value(text, "chehui_tickets_breached_open", deadline="first_contact") == 0
    assert value(text, "chehui_sla_breaches_last_hour", deadline="decision") == 1
    assert value(text, "chehui_sla_breaches_last_hour", deadline="first_contact") == 0
    assert 300 <= value(text, "chehui_sla_sweep_lag_seconds") < 330
    assert value(text, "chehui_outbox_backlog", status="queued") == 1
    assert value(text, "chehui_outbox_backlog", status="sending") == 1
    assert 1200 <= value(text, "chehui_outbox_oldest_age_seconds") < 1230
    assert value(text, "chehui_webhook_backlog") == 1
    assert 1800 <= value(text, "chehui_webhook_oldest_age_seconds") < 1830
    assert value(text, "chehui_metrics_source_up", source="database") == 1
    assert value(text, "chehui_readiness_check_up", check="database") == 1


def test_with_nothing_waiting_lags_and_ages_are_zero(scrape):
    TicketFactory(next_transition_at=clock.now() + timedelta(minutes=1))
    text = scrape()
    assert value(text, "chehui_sla_sweep_lag_seconds") == 0
    assert value(text, "chehui_outbox_oldest_age_seconds") == 0
    assert value(text, "chehui_webhook_oldest_age_seconds") == 0
    assert value(text, "chehui_webhook_backlog") == 0


def test_request_and_database_metrics_come_from_django_prometheus(client, scrape):
    client.get("/health/live")
    text = scrape()
    names = {name for name, _labels in samples(text)}
    assert "django_http_responses_total_by_status_total" in names
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in names
    assert any(
        name == "django_db_execute_total" and ("vendor", "postgresql") in labels and count > 0
        for (name, labels), count in samples(text).items()
    )


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def test_queue_length_and_task_failures_are_read_from_the_redis_broker(scrape):
    from apps.sla.tasks import sweep

    client = broker()
    client.delete(FAILURES_KEY)
    before = value(scrape(), "chehui_celery_queue_length", queue="celery")
    result = sweep.apply_async(countdown=3600)  # waits in the queue: no worker here
    try:
        assert value(scrape(), "chehui_celery_queue_length", queue="celery") == before + 1
    finally:
        for raw in client.lrange("celery", 0, -1):
            if result.id.encode() in raw:
                client.lrem("celery", 1, raw)

    # What a worker's task_failure signal does when the task raises; counted in Redis, so every
    # worker's failures add up in the web process that is scraped.
    for _ in range(2):
        task_failure.send(sender=sweep, task_id="x", exception=RuntimeError("boom"))
    text = scrape()
    assert value(text, "chehui_celery_task_failures_total", task=sweep.name) == 2
    client.delete(FAILURES_KEY)


def test_a_broker_that_does_not_answer_leaves_its_figures_out_and_says_so(scrape, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    text = scrape()
    assert value(text, "chehui_metrics_source_up", source="broker") == 0
    assert value(text, "chehui_readiness_check_up", check="broker") == 0
    assert not [name for name, _labels in samples(text) if name.startswith("chehui_celery_")]
    assert value(text, "chehui_metrics_source_up", source="database") == 1


def test_without_a_token_only_this_host_may_scrape():
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403


def test_with_a_token_only_its_bearer_may_scrape_from_anywhere(settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    remote = Client(REMOTE_ADDR="10.1.2.3")
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert remote.get("/metrics").status_code == 403
    assert Client().get("/metrics").status_code == 403  # loopback too: the token is the rule

"""Fixtures of the fault tests: our own Redis, a receiver for webhooks, a subscription to it."""

import pytest

from apps.integrations.models import Integration
from apps.integrations.services import webhook_subscription_create
from apps.integrations.signing import DELIVERY_HEADER
from apps.policy.models import Platform
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, TicketEvent
from tests.factories import TicketFactory
from tests.integrations.conftest import Receiver
from tests.resilience.support import RedisServer, free_port


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(receiver, transactional_db):
    integration = Integration.objects.create(name="WeChat CRM", contact_email="dev@crm.example")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    created, _secret = webhook_subscription_create(
        integration=integration, url=receiver.url, event_kinds=[EventKind.ASSIGNED]
    )
    return created


def ticket_assigned() -> TicketEvent:
    """One event a subscription listens to: its delivery is created and queued once it commits."""
    ticket = TicketFactory(complaint__platform=Platform.objects.get(code="wechat"))
    return event_record(ticket=ticket, kind=EventKind.ASSIGNED, from_value="", to_value="agent")


def delivery_ids_received(receiver: Receiver) -> list[int]:
    return sorted(int(hit["headers"][DELIVERY_HEADER]) for hit in receiver.received)


@pytest.fixture
def publish_to(monkeypatch):
    """Make webhook tasks go to this Redis, as a web process configured for it would send them."""

    def use(redis_url: str) -> None:
        from celery import Celery

        from apps.integrations import tasks

        publisher = Celery("web", broker=redis_url, set_as_current=False)
        publisher.conf.broker_connection_timeout = 1
        monkeypatch.setattr(
            tasks.webhook_deliver, "delay",
            lambda delivery_id: publisher.send_task(
                "integrations.webhook_deliver", args=[delivery_id], ignore_result=True,
                retry_policy={"max_retries": 0},
            ),
        )

    return use

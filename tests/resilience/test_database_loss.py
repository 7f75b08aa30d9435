"""PostgreSQL away for two seconds under load: keys are free again at once, every attempt is logged.

What it simulates: the application's database connections go through a TCP proxy in front of
the machine's PostgreSQL. Cutting it closes every open connection and refuses new ones, which is
what a client sees while PostgreSQL restarts; two seconds later it accepts again. The shared
server itself is never touched.
"""

import threading
import time

import pytest
from django.db import connection, connections

from apps.accounts.models import Team
from apps.integrations.models import (
    DeliveryStatus,
    IdempotencyRecord,
    IdempotencyStatus,
    Integration,
    WebhookAttempt,
    WebhookDelivery,
)
from apps.integrations.scopes import Scope
from apps.policy.models import Platform
from tests.integrations import urls
from tests.integrations.conftest import issue, key_client
from tests.resilience.conftest import delivery_ids_received, ticket_assigned
from tests.resilience.support import CuttableProxy, celery_worker, database_url, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTAGE_SECONDS = 2.0


@pytest.fixture
def proxy():
    settings_dict = connections.settings["default"]
    server = CuttableProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def through(proxy):
    """This process's connections go through the proxy (every thread's: they share the settings)."""
    settings_dict = connections.settings["default"]
    saved = settings_dict["HOST"], settings_dict["PORT"]
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = saved


def _post(client, key: str, **body):
    return client.post("/teams", {"name": "Night shift", **body}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_request_cut_off_by_a_restart_frees_its_key_for_the_retry_at_once(through, settings):
    settings.ROOT_URLCONF = "tests.integrations.urls"
    integration = Integration.objects.create(name="CRM", contact_email="dev@crm.example")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    _key, plain = issue(integration, Scope.TICKETS_WRITE)
    urls.GATE.update(entered=threading.Event(), release=threading.Event())
    results = {}

    def first_request():
        client = key_client(plain)
        client.raise_request_exception = False
        try:
            results["first"] = _post(client, "restart-1", hold=True)
        finally:
            connection.close()

    request = threading.Thread(target=first_request)
    request.start()
    assert urls.GATE["entered"].wait(timeout=10)  # the key is claimed, the view has written
    restarted = through.cut_for(OUTAGE_SECONDS)
    urls.GATE["release"].set()  # the view goes on: its next query meets the dead connection
    restarted.join()
    back = time.monotonic()
    request.join(timeout=30)
    assert results["first"].status_code == 503  # "try again shortly", as any database error

    connection.close()
    answers = []  # the same request again (same body: the gate is open now, it does not wait)
    while time.monotonic() - back < 10:
        answers.append(_post(key_client(plain), "restart-1", hold=True).status_code)
        if answers[-1] == 201:
            break
        time.sleep(0.5)
    took = time.monotonic() - back
    assert answers[-1] == 201 and took < 5, (answers, took)
    assert answers.count(409) == 0  # never told the key is still in use
    assert Team.objects.count() == 1  # the cut-off request's write was rolled back
    record = IdempotencyRecord.objects.get(key="restart-1")
    assert record.status == IdempotencyStatus.COMPLETED
    replay = _post(key_client(plain), "restart-1", hold=True)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"


class CutWhileAnswering(list):
    """The receiver's script: answer 200 to everything, cutting the database at these hits."""

    def __init__(self, proxy: CuttableProxy, at: set[int]) -> None:
        super().__init__()
        self.proxy, self.at, self.hits = proxy, at, 0

    def __bool__(self) -> bool:
        return True

    def pop(self, index=-1):
        self.hits += 1
        if self.hits in self.at:  # the request reached the receiver; its answer meets a dead database
            self.proxy.cut_for(OUTAGE_SECONDS)
        return 200, b"ok", {}


@pytest.mark.slow
def test_restarts_during_deliveries_lose_no_attempt_and_send_nothing_twice(
    proxy, redis_server, receiver, subscription, publish_to, tmp_path
):
    """A worker whose database goes away twice while receivers are answering it."""
    publish_to(redis_server.url)
    receiver.answers = CutWhileAnswering(proxy, at={3, 7})
    log = tmp_path / "worker.log"
    worker = celery_worker(
        database=database_url(connection.settings_dict, port=proxy.port), redis=redis_server.url,
        var_dir=tmp_path, log=log,
    )
    try:
        for _ in range(10):
            ticket_assigned()
        started = time.monotonic()
        done = wait_for(
            lambda: not WebhookDelivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).exists(), timeout=90
        )
        took = time.monotonic() - started
    finally:
        stop(worker)
    output = log.read_text()
    assert done, output[-4000:]
    assert proxy.cuts == 2
    print(f"10 deliveries through 2 restarts in {took:.1f} s")
    ids = sorted(WebhookDelivery.objects.values_list("pk", flat=True))
    assert delivery_ids_received(receiver) == ids  # each reached the receiver once
    assert sorted(WebhookAttempt.objects.values_list("delivery_id", flat=True)) == ids  # and is logged once
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}

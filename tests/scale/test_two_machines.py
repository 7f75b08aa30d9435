"""Two web machines, two workers and one beat on one database: no work lost, none done twice.

The load is bounded: 120 ticket creations, each with its own Idempotency-Key, spread over the two
web processes, and 20 of them sent again to the other one, some while the first is still running;
meanwhile beat fires the clock sweep and the webhook catch-up every two seconds, the test sends
extra sweeps so that both workers sweep at once, and every event a subscription asked for goes
out to a receiver on loopback.
"""

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from django.db.models import Count, Max
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.integrations.models import DeliveryStatus, Integration, WebhookCursor, WebhookDelivery
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_issue, webhook_subscription_create
from apps.integrations.webhooks import EVENTS_CURSOR
from apps.policy.models import Platform
from apps.sla.services import ticket_clock_start
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from config.celery_app import app
from tests.factories import ComplaintFactory, DraftFactory
from tests.scale.stack import Machines, PgBouncer, Receiver, machine_env, subprocess_database_url

CREATIONS = 120
REPEATED_EVERY = 6  # 20 of the 120 keys are sent a second time, to the other web process
CLIENTS = 8
SWEPT_TICKETS = 30
SETTLE_SECONDS = 60
NIGHT = datetime(2026, 11, 20, 13, 30, tzinfo=UTC)  # 21:30 in Shanghai
BEAT_TASKS = ("sla.sweep", "integrations.webhook_catch_up", "integrations.webhook_sweep")
KINDS = [EventKind.CREATED, EventKind.RECEIVED, EventKind.STAGE_CHANGED, EventKind.STATUS_CHANGED,
         EventKind.DEADLINE_BREACHED]


def _tickets_due_for_the_sweep() -> list[int]:
    """Tickets submitted one night in the past: their receipt and stages are due for the clock.

    A fixed night, not "now" minus something: the machines live on the real clock even when the
    suite's clock is moved (CHEHUI_TEST_CLOCK)."""
    ids = []
    for _ in range(SWEPT_TICKETS):
        draft = DraftFactory(complaint=ComplaintFactory(filed_at=NIGHT))
        submitted = NIGHT + timedelta(minutes=30)
        ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
        assert ticket.status == TicketStatus.SUBMITTED
        ids.append(ticket.pk)
    return ids


def _beat_every_two_seconds() -> None:
    """Beat's schedule, as supervisors tune it in the admin: the three tasks fast, the rest off."""
    fast, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.exclude(task__in=BEAT_TASKS).update(enabled=False)
    PeriodicTask.objects.filter(task__in=BEAT_TASKS).update(interval=fast, enabled=True, last_run_at=None)


def _calls(ports: tuple[int, int]) -> list[tuple[str, int, dict]]:
    """(key, port, body): every key once, alternating servers; a repeat sent soon after to the other."""
    calls = []
    for number in range(CREATIONS):
        key, port = f"scale-{number:04d}", ports[number % 2]
        body = {"platform": "wechat", "requester_phone": f"139{number:08d}"}
        calls.append((key, port, body))
        if number % REPEATED_EVERY == 0:
            calls.append((key, ports[(number + 1) % 2], body))
    return calls


def _post(api_key: str, call: tuple[str, int, dict]) -> tuple[str, int, str]:
    """Create a ticket; a 409 (the same key still running elsewhere) is retried as a client would."""
    key, port, body = call
    for _attempt in range(50):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        client.request("POST", "/api/v1/tickets/", json.dumps(body), {
            "Authorization": f"Bearer {api_key}", "Content-Type": "application/json",
            "Accept-Language": "en", "Idempotency-Key": key,
        })
        response = client.getresponse()
        content = response.read()
        client.close()
        if response.status != 409:
            reference = json.loads(content).get("reference", "") if response.status == 201 else ""
            return key, response.status, reference or content.decode()[:200]
        time.sleep(0.2)
    return key, 409, "still in use"


def _settled(swept: list[int], since_event: int, subscription_id: int) -> bool:
    if WithdrawalTicket.objects.filter(pk__in=swept, status=TicketStatus.SUBMITTED).exists():
        return False
    owed = TicketEvent.objects.filter(pk__gt=since_event, kind__in=KINDS, ticket__platform__code="wechat")
    deliveries = WebhookDelivery.objects.filter(subscription_id=subscription_id)
    if deliveries.filter(event_id__in=owed.values("pk")).count() < owed.count():
        return False
    return not deliveries.exclude(status=DeliveryStatus.SUCCEEDED).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_machines_and_two_workers_lose_and_double_nothing(tmp_path, settings):
    # Real keys for personal data, as production has, shared by this process and the machines.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FIELD_HASH_KEY = Fernet.generate_key().decode()
    swept = _tickets_due_for_the_sweep()
    integration = Integration.objects.create(name="scale CRM")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    _key, api_key = api_key_issue(integration=integration, scopes=list(Scope.values), expires_at=None,
                                  actor=None)
    since_event = TicketEvent.objects.aggregate(top=Max("id"))["top"] or 0
    WebhookCursor.objects.update_or_create(
        name=EVENTS_CURSOR, defaults={"position": since_event, "pending_position": since_event}
    )
    receiver = Receiver()
    subscription, _secret = webhook_subscription_create(integration=integration, url=receiver.url,
                                                        event_kinds=KINDS)
    _beat_every_two_seconds()
    app.control.purge()

    # The machines reach PostgreSQL through PgBouncer in transaction mode where Debian's pgbouncer
    # is installed, as docs/operations.md deploys them; directly otherwise (the summary says which).
    bouncer = PgBouncer() if PgBouncer.available() else None
    machines = Machines(tmp_path)
    env = machine_env(
        tmp_path,
        database_url=bouncer.url() if bouncer else subprocess_database_url(),
        CHEHUI_PGBOUNCER="true" if bouncer else "false",
    )
    try:
        ports = (machines.web("web1", env), machines.web("web2", env))
        machines.worker("worker1", env)
        machines.worker("worker2", env)
        machines.beat(env)
        for port in ports:
            machines.wait_healthy(port)
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            for _ in range(4):  # both workers sweep at once, beside beat's own sweeps
                app.send_task("sla.sweep")
            answers = list(pool.map(lambda call: _post(api_key, call), _calls(ports)))
        load_seconds = time.monotonic() - started
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not _settled(swept, since_event, subscription.pk):
            time.sleep(1)
        time.sleep(3)  # a doubled delivery would arrive now: beat has fired its sweeps again
    finally:
        machines.stop()
        receiver.close()
        if bouncer:
            bouncer.stop()
    logs = machines.logs()

    # Every creation answered, each key with one ticket, a repeated key with the first one's.
    failed = [answer for answer in answers if answer[1] != 201]
    assert not failed, (failed[:5], logs)
    by_key: dict[str, set[str]] = {}
    for key, _status, reference in answers:
        by_key.setdefault(key, set()).add(reference)
    assert len(by_key) == CREATIONS
    assert all(len(references) == 1 for references in by_key.values())
    created = WithdrawalTicket.objects.exclude(pk__in=swept)
    assert created.count() == CREATIONS, f"{created.count()} tickets for {CREATIONS} keys"
    assert set(created.values_list("reference", flat=True)) == {r for (r,) in by_key.values()}

    # The sweep moved every due ticket once: one receipt each, no event recorded twice.
    assert not WithdrawalTicket.objects.filter(pk__in=swept, status=TicketStatus.SUBMITTED).exists(), logs
    receipts = TicketEvent.objects.filter(ticket_id__in=swept, kind=EventKind.RECEIVED)
    assert receipts.count() == SWEPT_TICKETS
    doubled = (
        TicketEvent.objects.filter(ticket_id__in=swept, actor_label="clock")
        .values("ticket_id", "kind", "from_value", "to_value").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not doubled.exists(), list(doubled)

    # Every event owed went out: one delivery row each, received, and never with two payloads.
    owed = set(
        TicketEvent.objects.filter(pk__gt=since_event, kind__in=KINDS).values_list("pk", flat=True)
    )
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    assert set(deliveries.values_list("event_id", flat=True)) == owed
    assert deliveries.count() == len(owed)
    assert not deliveries.exclude(status=DeliveryStatus.SUCCEEDED).exists(), logs
    received = receiver.received()
    missing = set(deliveries.values_list("pk", flat=True)) - set(received)
    assert not missing, (sorted(missing)[:10], logs)
    assert all(all(body == bodies[0] for body in bodies) for bodies in received.values())
    print(
        f"{len(answers)} creations in {load_seconds:.1f} s over 2 web processes; {len(owed)} deliveries, "
        f"{sum(len(b) for b in received.values()) - len(received)} sent more than once; "
        f"{'through PgBouncer' if bouncer else 'directly to PostgreSQL'}"
    )

"""Webhooks: which events become deliveries, how they are signed, retried, recorded, replayed."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.integrations import delivery as delivery_module
from apps.integrations import signing, tasks, webhooks
from apps.integrations.delivery import retry_delay, webhook_body
from apps.integrations.models import (
    DeliveryStatus,
    Integration,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
)
from apps.integrations.services import webhook_secret_rotate, webhook_subscription_create
from apps.integrations.webhooks import (
    webhook_catch_up,
    webhook_deliveries_enqueue,
    webhook_delivery_replay,
    webhook_dispatch_due,
    webhooks_on_events,
)
from apps.policy.models import Platform
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, TicketEvent
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The delivery ids handed to Celery (the tests run the task themselves)."""
    queued: list[int] = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", lambda delivery_id: queued.append(delivery_id))
    return queued


@pytest.fixture
def hook(crm, receiver):
    subscription, secret = webhook_subscription_create(
        integration=crm, url=receiver.url, event_kinds=[EventKind.ASSIGNED, EventKind.DECIDED]
    )
    return subscription, secret


def _event(kind=EventKind.ASSIGNED, platform="wechat", **fields) -> TicketEvent:
    ticket = TicketFactory(complaint__platform=Platform.objects.get(code=platform))
    return event_record(ticket=ticket, kind=kind, from_value="", to_value="agent", **fields)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _deliver(delivery_id: int) -> str:
    return tasks.webhook_deliver.run(delivery_id)


# ------------------------------------------------------------------------ who gets what


def test_an_event_reaches_the_subscriptions_that_asked_for_its_kind_and_platform(crm, hook):
    subscription, _secret = hook
    alipay_crm = Integration.objects.create(name="Alipay CRM")
    alipay_crm.platforms.set([Platform.objects.get(code="alipay")])
    webhook_subscription_create(
        integration=alipay_crm, url="https://alipay.example/h", event_kinds=["assigned"]
    )
    webhook_subscription_create(integration=crm, url="https://off.example/h", event_kinds=["assigned"],
                                active=False)
    wanted = _event(EventKind.ASSIGNED)
    other_kind = _event(EventKind.NOTE)
    other_platform = _event(EventKind.ASSIGNED, platform="alipay")
    with CaptureQueriesContext(connection) as queries:
        created = webhook_deliveries_enqueue(event_ids=[wanted.pk, other_kind.pk, other_platform.pk])
    # whatever the number of events: is anyone listening, then one INSERT … SELECT
    assert len(queries) == 2
    deliveries = WebhookDelivery.objects.filter(pk__in=created)
    assert {(d.subscription.url, d.event_id) for d in deliveries} == {
        (subscription.url, wanted.pk), ("https://alipay.example/h", other_platform.pk),
    }
    assert webhook_deliveries_enqueue(event_ids=[wanted.pk, other_platform.pk]) == []


def test_with_no_live_subscription_an_event_costs_one_small_query(crm, hook):
    subscription, _secret = hook
    subscription.active = False
    subscription.save(update_fields=["active"])
    event = _event(EventKind.ASSIGNED)
    with CaptureQueriesContext(connection) as queries:
        assert webhook_deliveries_enqueue(event_ids=[event.pk]) == []
    assert len(queries) == 1
    subscription.active = True
    subscription.save(update_fields=["active"])
    assert len(webhook_deliveries_enqueue(event_ids=[event.pk])) == 1


def test_a_turned_off_integration_gets_nothing(crm, hook):
    crm.active = False
    crm.save()
    assert webhook_deliveries_enqueue(event_ids=[_event().pk]) == []


def test_the_payload_is_thin_and_has_no_personal_data(crm, hook):
    hook[0].event_kinds = ["assigned", "status_changed"]
    hook[0].save()
    agent = UserFactory(display_name="李客服")
    ticket = TicketFactory()
    assigned = event_record(ticket=ticket, kind=EventKind.ASSIGNED, actor=agent, to_value="李客服")
    status = event_record(
        ticket=ticket, kind=EventKind.STATUS_CHANGED, from_value="received", to_value="assigned"
    )
    webhook_deliveries_enqueue(event_ids=[assigned.pk, status.pk])
    payloads = {d.event_id: d.payload for d in WebhookDelivery.objects.all()}
    assert payloads[assigned.pk] == {
        "id": assigned.pk,
        "type": "assigned",
        "occurred_at": assigned.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ticket": {"reference": ticket.reference, "platform": "wechat"},
        "from": "",
        "to": "",
    }
    assert (payloads[status.pk]["from"], payloads[status.pk]["to"]) == ("received", "assigned")
    assert "李客服" not in json.dumps(payloads, ensure_ascii=False)


def test_the_portable_path_creates_the_same_deliveries(crm, hook, monkeypatch):
    events = [_event(), _event(EventKind.DECIDED), _event(EventKind.NOTE)]
    ids = [event.pk for event in events]
    in_sql = webhook_deliveries_enqueue(event_ids=ids)
    expected = {d.event_id: d.payload for d in WebhookDelivery.objects.filter(pk__in=in_sql)}
    WebhookDelivery.objects.all().delete()
    monkeypatch.setattr(webhooks, "_in_sql", lambda: False)
    portable = webhook_deliveries_enqueue(event_ids=ids)
    assert {d.event_id: d.payload for d in WebhookDelivery.objects.filter(pk__in=portable)} == expected
    assert webhook_deliveries_enqueue(event_ids=ids) == []


def test_an_event_saved_by_a_service_is_delivered_after_commit(hook, sent, committed):
    with committed(execute=True):
        event = _event()
    delivery = WebhookDelivery.objects.get(event=event)
    assert sent == [delivery.pk]
    assert delivery.dispatched_at is not None


def test_nothing_is_sent_for_an_event_whose_transaction_rolled_back(hook, sent, committed):
    from django.db import transaction

    with committed(execute=True):
        try:
            with transaction.atomic():
                _event()
                raise RuntimeError("the service failed after recording")
        except RuntimeError:
            pass
    assert not WebhookDelivery.objects.exists()
    assert sent == []


def test_the_catch_up_covers_events_inserted_in_bulk(crm, hook, sent, frozen, committed):
    assert webhook_catch_up(now=frozen.moment) == 0  # first run: start from here, no history
    ticket = TicketFactory()
    TicketEvent.objects.bulk_create(  # as the clock sweep writes: no signal
        [TicketEvent(ticket=ticket, kind=EventKind.DECIDED, actor_label="clock", occurred_at=frozen.moment)]
    )
    with committed(execute=True):
        assert webhook_catch_up(now=frozen.moment) == 1
    assert len(sent) == 1
    assert webhook_catch_up(now=frozen.moment) == 0  # read again within the lag, created once
    assert WebhookDelivery.objects.count() == 1


def test_the_mark_trails_one_run_behind_for_transactions_that_commit_late(crm, hook, sent, frozen):
    webhook_catch_up(now=frozen.moment)
    start = WebhookCursor.objects.get().position
    first = _event()
    webhook_catch_up(now=frozen.moment)
    cursor = WebhookCursor.objects.get()
    assert (cursor.position, cursor.pending_position) == (start, first.pk)
    second = _event()
    webhook_catch_up(now=frozen.moment)
    cursor.refresh_from_db()
    assert (cursor.position, cursor.pending_position) == (first.pk, second.pk)


# ------------------------------------------------------------------------ sending


def test_a_delivery_is_signed_so_the_receiver_can_check_it(hook, receiver, frozen):
    _subscription, secret = hook
    event = _event()
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[event.pk], now=frozen.moment)
    assert _deliver(delivery_id) == "delivered"
    (request,) = receiver.received
    headers = request["headers"]
    assert headers["Chehui-Event"] == "assigned"
    assert headers["Chehui-Delivery"] == str(delivery_id)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Chehui-Signature"].startswith(f"t={int(frozen.moment.timestamp())},v1=")
    now = int(frozen.moment.timestamp())
    signature = headers["Chehui-Signature"]
    assert signing.signature_verify(secret=secret, header=signature, body=request["body"], now=now)
    assert not signing.signature_verify(
        secret=secret, header=headers["Chehui-Signature"], body=request["body"] + b" ", now=now
    )
    assert not signing.signature_verify(
        secret="whsec_wrong", header=headers["Chehui-Signature"], body=request["body"], now=now
    )
    assert json.loads(request["body"])["ticket"]["reference"] == event.ticket.reference
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at == frozen.moment
    assert delivery.last_response_body == "ok"


def test_a_signature_older_than_five_minutes_is_refused_by_the_verifier(hook, receiver, frozen):
    _subscription, secret = hook
    body = b'{"id":1}'
    header = signing.signature_header([secret], int(frozen.moment.timestamp()), body)
    sent_at = int(frozen.moment.timestamp())
    assert signing.signature_verify(secret=secret, header=header, body=body, now=sent_at + 300)
    assert not signing.signature_verify(secret=secret, header=header, body=body, now=sent_at + 301)


def test_a_rotated_secret_signs_from_then_on(hook, receiver, frozen):
    subscription, old = hook
    new = webhook_secret_rotate(subscription=subscription)
    assert new != old
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    _deliver(delivery_id)
    request = receiver.received[0]
    now = int(frozen.moment.timestamp())
    header = request["headers"]["Chehui-Signature"]
    assert signing.signature_verify(secret=new, header=header, body=request["body"], now=now)
    assert not signing.signature_verify(secret=old, header=header, body=request["body"], now=now)


def test_during_a_server_key_rotation_both_signatures_are_sent(hook, receiver, frozen, settings):
    _subscription, secret = hook
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-next-server-secret-key"
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    _deliver(delivery_id)
    request = receiver.received[0]
    assert request["headers"]["Chehui-Signature"].count("v1=") == 2
    assert signing.signature_verify(
        secret=secret, header=request["headers"]["Chehui-Signature"], body=request["body"],
        now=int(frozen.moment.timestamp()),
    )


def test_a_500_is_retried_with_doubling_waits_and_every_answer_is_kept(hook, receiver, frozen, monkeypatch):
    monkeypatch.setattr(delivery_module.random, "uniform", lambda low, high: high)  # the longest wait
    scheduled: list[float] = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, countdown: scheduled.append(countdown)
    )
    receiver.answer(500, b"database down " * 500)
    receiver.answer(503, b"maintenance")
    receiver.answer(204)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)

    assert _deliver(delivery_id) == "retry"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.next_attempt_at == frozen.moment + timedelta(seconds=36)  # 30 s + 20 %
    assert delivery.last_status_code == 500
    assert len(delivery.last_response_body) == 2000
    assert scheduled == [36.0]

    frozen.advance(seconds=35)
    assert _deliver(delivery_id) == "skipped"  # an early or duplicate message changes nothing
    frozen.advance(seconds=1)
    assert _deliver(delivery_id) == "retry"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == frozen.moment + timedelta(seconds=72)  # 60 s + 20 %

    frozen.advance(seconds=72)
    assert _deliver(delivery_id) == "delivered"
    assert _deliver(delivery_id) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 3, 204)
    assert list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")) == [
        (1, 500), (2, 503), (3, 204),
    ]
    assert len(receiver.received) == 3


def test_a_claim_whose_answer_was_lost_is_not_counted_as_an_attempt(hook, receiver, frozen, monkeypatch):
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    assert delivery_module._claim(delivery_id, frozen.moment)  # committed, but the worker never heard
    assert _deliver(delivery_id) == "skipped"  # held by that claim: nothing sent
    frozen.advance(seconds=delivery_module.conf.webhook_timeout_seconds() + 31)  # the lease has ended
    assert _deliver(delivery_id) == "delivered"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.attempts, len(receiver.received)) == (1, 1)
    assert list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", flat=True)) == [1]


def test_a_delivery_whose_workers_keep_dying_fails_instead_of_coming_back_forever(
    hook, receiver, frozen, monkeypatch
):
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    lease = delivery_module.conf.webhook_timeout_seconds() + 31
    allowed = delivery_module.conf.webhook_max_attempts() * delivery_module.CLAIMS_PER_ATTEMPT
    for _ in range(allowed):  # each worker killed after its claim, before it recorded anything
        assert delivery_module._claim(delivery_id, frozen.moment)
        frozen.advance(seconds=lease)
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.PENDING

    assert _deliver(delivery_id) == "failed"  # the next claim ends it, without sending
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.claims) == (DeliveryStatus.FAILED, 1, allowed + 1)
    assert f"taken {allowed} times by workers that never recorded an answer" in delivery.last_error
    assert receiver.received == []

    webhook_delivery_replay(delivery_ids=[delivery_id], actor=None, now=frozen.moment)  # cause fixed
    assert _deliver(delivery_id) == "delivered"
    assert WebhookDelivery.objects.get(pk=delivery_id).claims == 1 and len(receiver.received) == 1


def test_a_few_lost_claims_do_not_stop_a_delivery(hook, receiver, frozen, monkeypatch):
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    for _ in range(delivery_module.CLAIMS_PER_ATTEMPT):
        assert delivery_module._claim(delivery_id, frozen.moment)
        frozen.advance(seconds=delivery_module.conf.webhook_timeout_seconds() + 31)
    assert _deliver(delivery_id) == "delivered"


def test_recording_again_after_a_lost_commit_logs_and_counts_the_attempt_once(
    hook, receiver, frozen, monkeypatch
):
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    receiver.answer(500)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    real_record = delivery_module._record

    def commit_then_record_again(delivery, answer, **times):  # the first COMMIT's answer was lost
        real_record(delivery, answer, **times)
        return real_record(delivery, answer, **times)

    monkeypatch.setattr(delivery_module, "_record", commit_then_record_again)
    assert _deliver(delivery_id) == "retry"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")) == [
        (1, 500)
    ]


def test_the_wait_doubles_up_to_its_cap_with_jitter_either_side():
    assert retry_delay(1, rand=0) == timedelta(seconds=30)
    assert retry_delay(2, rand=0) == timedelta(seconds=60)
    assert retry_delay(5, rand=0) == timedelta(minutes=8)
    assert retry_delay(20, rand=0) == timedelta(hours=6)
    assert retry_delay(1, rand=-0.2) == timedelta(seconds=24)
    waits = {retry_delay(3) for _ in range(50)}
    assert len(waits) > 1 and all(timedelta(seconds=96) <= w <= timedelta(seconds=144) for w in waits)


def test_after_the_last_attempt_the_delivery_is_failed(hook, receiver, frozen, settings, monkeypatch):
    settings.INTEGRATIONS_WEBHOOK_MAX_ATTEMPTS = 2
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    receiver.answer(500)
    receiver.answer(500)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    assert _deliver(delivery_id) == "retry"
    frozen.advance(minutes=1)
    assert _deliver(delivery_id) == "failed"
    frozen.advance(hours=1)
    assert _deliver(delivery_id) == "skipped"
    assert webhook_dispatch_due(now=frozen.moment) == []
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.FAILED


def test_a_receiver_that_is_down_is_recorded_as_an_error(hook, frozen, monkeypatch):
    subscription, _secret = hook
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    subscription.url = "http://127.0.0.1:9/nobody-listens"
    subscription.save()
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    assert _deliver(delivery_id) == "retry"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.last_status_code is None
    assert "Connection refused" in delivery.last_error


def test_a_redirect_is_not_followed(hook, receiver, frozen, monkeypatch):
    monkeypatch.setattr(tasks.webhook_deliver, "apply_async", lambda args, countdown: None)
    receiver.answer(302, b"", {"Location": "http://169.254.169.254/latest/meta-data"})
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    assert _deliver(delivery_id) == "retry"
    assert WebhookDelivery.objects.get(pk=delivery_id).last_status_code == 302
    assert len(receiver.received) == 1


def test_a_turned_off_subscription_fails_its_pending_deliveries_without_sending(hook, receiver, frozen):
    subscription, _secret = hook
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    subscription.active = False
    subscription.save()
    assert _deliver(delivery_id) == "failed"
    assert receiver.received == []
    assert "turned off" in WebhookDelivery.objects.get(pk=delivery_id).last_error


def test_the_sweep_queues_due_deliveries_once_and_again_when_their_task_was_lost(
    hook, sent, frozen, committed
):
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    with committed(execute=True):
        assert webhook_dispatch_due(now=frozen.moment) == [delivery_id]
        assert webhook_dispatch_due(now=frozen.moment) == []  # its task is queued
        frozen.advance(minutes=5, seconds=1)
        assert webhook_dispatch_due(now=frozen.moment) == [delivery_id]  # that task never ran
    assert sent == [delivery_id, delivery_id]


def test_a_long_wait_is_left_to_the_sweep(hook, receiver, sent, frozen, monkeypatch, committed):
    scheduled: list[float] = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, countdown: scheduled.append(countdown)
    )
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    WebhookDelivery.objects.filter(pk=delivery_id).update(attempts=6)  # the 7th fails: a 32 min wait
    receiver.answer(500)
    assert _deliver(delivery_id) == "retry"
    assert scheduled == []
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    frozen.moment = delivery.next_attempt_at - timedelta(seconds=1)
    assert tasks.webhook_sweep.run() == 0
    frozen.advance(seconds=1)
    with committed(execute=True):
        assert tasks.webhook_sweep.run() == 1
    assert sent == [delivery_id]


def test_replay_sends_a_delivered_event_again_and_records_who_asked(hook, receiver, sent, frozen, committed):
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    _deliver(delivery_id)
    supervisor = UserFactory()
    frozen.advance(hours=2)
    with committed(execute=True):
        replayed = webhook_delivery_replay(delivery_ids=[delivery_id], actor=supervisor, now=frozen.moment)
    assert replayed == [delivery_id]
    assert sent == [delivery_id]
    assert _deliver(delivery_id) == "delivered"
    first, second = receiver.received
    assert first["body"] == second["body"]
    assert first["headers"]["Chehui-Signature"] != second["headers"]["Chehui-Signature"]  # new t
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.attempts, delivery.replayed_by, delivery.replayed_at) == (1, supervisor, frozen.moment)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_replay_leaves_a_delivery_that_is_being_sent_alone(hook, sent, frozen):
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[_event().pk], now=frozen.moment)
    WebhookDelivery.objects.filter(pk=delivery_id).update(locked_until=frozen.moment + timedelta(seconds=30))
    assert webhook_delivery_replay(delivery_ids=[delivery_id], actor=None, now=frozen.moment) == []


def test_the_body_is_the_payload_as_compact_json(hook):
    assert webhook_body({"b": 1, "a": "撤回"}) == '{"a":"撤回","b":1}'.encode()


def test_webhooks_on_events_creates_and_queues_in_one_go(hook, sent, frozen, committed):
    event = _event()
    with committed(execute=True):
        created = webhooks_on_events([event.pk])
    assert created == sent == list(WebhookDelivery.objects.values_list("pk", flat=True))

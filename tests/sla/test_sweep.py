"""The sweep moves tickets across receipt, stage and deadline boundaries: once, in bounded batches."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from apps.sla import sweep as sweep_module
from apps.sla.services import ticket_clock_start
from apps.sla.sweep import clock_sweep
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, DraftFactory, complaint_type, platform
from tests.sla.conftest import shanghai


def _submitted(filed: str, submitted: str, type_code: str = "infringement", platform_code: str = "wechat"):
    complaint = ComplaintFactory(
        filed_at=shanghai(filed), complaint_type=complaint_type(type_code), platform=platform(platform_code)
    )
    draft = DraftFactory(complaint=complaint)
    at = shanghai(submitted)
    return ticket_clock_start(ticket_id=draft.pk, submitted_at=at, now=at)


def _reload(ticket):
    return WithdrawalTicket.objects.select_related("stage").get(pk=ticket.pk)


@pytest.mark.django_db
def test_a_night_ticket_is_received_at_nine_by_the_sweep_and_not_a_second_before():
    ticket = _submitted("2026-11-24 21:30", "2026-11-24 22:00")
    clock_sweep(now=shanghai("2026-11-25 08:59:59"))
    assert _reload(ticket).status == TicketStatus.SUBMITTED
    result = clock_sweep(now=shanghai("2026-11-25 09:00:00"))
    assert result.received == 1
    ticket = _reload(ticket)
    assert ticket.status == TicketStatus.RECEIVED
    received = ticket.events.get(kind=EventKind.RECEIVED)
    assert (received.occurred_at, received.actor_label) == (shanghai("2026-11-25 09:00"), "clock")


@pytest.mark.django_db
def test_a_ticket_enters_the_next_stage_at_the_second_it_starts():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05")
    version = ticket.version
    clock_sweep(now=shanghai("2026-11-24 15:59:59"))
    assert _reload(ticket).stage.code == "preliminary_review"
    clock_sweep(now=shanghai("2026-11-24 16:00:00"))
    ticket = _reload(ticket)
    assert ticket.stage.code == "evidence_check"
    assert ticket.stage_entered_at == shanghai("2026-11-24 16:00")
    assert ticket.stage_ends_at == shanghai("2026-11-25 10:00")
    assert ticket.version > version
    assert list(ticket.stage_entries.values_list("stage__code", flat=True)) == [
        "preliminary_review",
        "evidence_check",
    ]


@pytest.mark.django_db
def test_a_late_sweep_records_every_stage_passed_at_its_own_time():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05", platform_code="taobao")
    clock_sweep(now=shanghai("2026-11-27 11:00"))  # 73 hours: three stages passed at once
    ticket = _reload(ticket)
    assert ticket.stage.code == "handled"
    moves = list(ticket.events.filter(kind=EventKind.STAGE_CHANGED).values_list("to_value", "occurred_at"))
    assert moves == [
        ("evidence_check", shanghai("2026-11-24 16:00")),
        ("final_review", shanghai("2026-11-25 10:00")),
        ("handled", shanghai("2026-11-27 10:00")),
    ]


@pytest.mark.django_db
def test_missed_deadlines_are_marked_once_as_breaches():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05", platform_code="alipay")
    clock_sweep(now=shanghai("2026-11-24 14:00:01"))
    ticket = _reload(ticket)
    assert ticket.first_contact_breached_at == shanghai("2026-11-24 14:00")
    assert ticket.decision_breached_at is None
    result = clock_sweep(now=shanghai("2026-11-25 10:05"))  # Alipay: 24 hours to decide
    ticket = _reload(ticket)
    assert ticket.decision_breached_at == shanghai("2026-11-25 10:05")
    assert result.breach_event_keys == [f"breach:decision:{ticket.pk}"]
    assert ticket.events.filter(kind=EventKind.DEADLINE_BREACHED).count() == 2


@pytest.mark.django_db
def test_a_contact_in_time_is_no_breach():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05")
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(first_contact_at=shanghai("2026-11-24 11:00"))
    clock_sweep(now=shanghai("2026-11-24 16:00"))
    assert _reload(ticket).first_contact_breached_at is None


@pytest.mark.django_db
def test_an_open_ticket_expires_when_its_complaint_is_resolved():
    ticket = _submitted(
        "2026-11-24 10:00", "2026-11-24 10:05", type_code="account_violation", platform_code="taobao"
    )
    assert ticket.complaint_resolution_at == shanghai("2026-11-27 21:00")  # 3 working days
    clock_sweep(now=shanghai("2026-11-27 20:59:59"))
    assert _reload(ticket).status == TicketStatus.RECEIVED
    clock_sweep(now=shanghai("2026-11-27 21:00"))
    ticket = _reload(ticket)
    assert ticket.status == TicketStatus.EXPIRED
    assert ticket.next_transition_at is None


@pytest.mark.django_db
def test_decided_tickets_are_left_alone():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05")
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.APPROVED, next_transition_at=None
    )
    result = clock_sweep(now=shanghai("2026-11-30 10:00"))
    assert result.due == 0
    assert _reload(ticket).stage.code == "preliminary_review"


@pytest.mark.django_db
def test_sweeping_twice_changes_nothing_the_second_time():
    tickets = [_submitted("2026-11-24 10:00", "2026-11-24 10:05") for _ in range(3)]
    now = shanghai("2026-11-25 12:00")
    first = clock_sweep(now=now)
    events = TicketEvent.objects.count()
    versions = list(WithdrawalTicket.objects.order_by("pk").values_list("version", flat=True))
    second = clock_sweep(now=now)
    assert first.moved > 0
    assert second.moved == second.due == 0
    assert TicketEvent.objects.count() == events
    assert list(WithdrawalTicket.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert all(_reload(t).next_transition_at > now for t in tickets)


@pytest.mark.django_db
def test_a_sweep_killed_half_way_is_redone_whole(monkeypatch):
    tickets = [_submitted("2026-11-24 10:00", "2026-11-24 10:05") for _ in range(4)]
    now = shanghai("2026-11-24 16:00")

    original = sweep_module._write_postgresql

    def write_then_die(done):
        original(done)  # everything written, then the worker dies before the commit
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(sweep_module, "_write_postgresql", write_then_die)
        with pytest.raises(RuntimeError):
            clock_sweep(now=now)
    assert all(_reload(t).stage.code == "preliminary_review" for t in tickets)  # rolled back
    result = clock_sweep(now=now)
    assert result.stage_changes == 4
    assert TicketEvent.objects.filter(kind=EventKind.STAGE_CHANGED).count() == 4


@pytest.mark.django_db
def test_batches_are_bounded_and_together_cover_every_due_ticket():
    for _ in range(7):
        _submitted("2026-11-24 10:00", "2026-11-24 10:05")
    result = clock_sweep(now=shanghai("2026-11-24 16:00"), batch_size=3)
    assert (result.batches, result.stage_changes) == (3, 7)


@pytest.mark.django_db
def test_a_row_that_stays_due_cannot_keep_the_sweep_looping():
    ticket = _submitted("2026-11-24 10:00", "2026-11-24 10:05")
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(complaint_filed_at=None)  # broken data
    now = shanghai("2026-11-24 16:00")
    result = clock_sweep(now=now, batch_size=1)
    assert result.batches <= 2
    assert _reload(ticket).next_transition_at == now + timedelta(minutes=1)


def _queries_for_sweep(open_tickets: int, due: int) -> int:
    for index in range(open_tickets):
        filed = "2026-11-24 10:00" if index < due else "2026-11-24 15:00"
        _submitted(filed, "2026-11-24 15:05")
    with CaptureQueriesContext(connection) as queries:
        result = clock_sweep(now=shanghai("2026-11-24 16:00"))
    assert result.due == due
    return len(queries)


@pytest.mark.django_db
def test_the_sweep_costs_the_same_queries_whatever_the_number_of_open_tickets():
    small = _queries_for_sweep(open_tickets=4, due=2)
    WithdrawalTicket.objects.all().update(next_transition_at=None)
    large = _queries_for_sweep(open_tickets=40, due=2)
    assert small == large


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_move_each_ticket_once():
    tickets = [_submitted("2026-11-24 10:00", "2026-11-24 10:05") for _ in range(30)]
    now = shanghai("2026-11-25 12:00")
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(clock_sweep(now=now, batch_size=5))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(result.stage_changes for result in results) == 30
    for ticket in tickets:
        assert _reload(ticket).stage.code == "final_review"
        assert ticket.events.filter(kind=EventKind.STAGE_CHANGED).count() == 2


@pytest.mark.django_db
def test_a_contact_deadline_passed_before_receipt_is_breached_on_receipt():
    ticket = _submitted("2026-11-24 12:00", "2026-11-24 22:00")  # contact was due at 16:00
    clock_sweep(now=shanghai("2026-11-25 09:00"))
    ticket = _reload(ticket)
    assert ticket.first_contact_breached_at == shanghai("2026-11-25 09:00")
    assert ticket.events.get(kind=EventKind.DEADLINE_BREACHED).occurred_at == shanghai("2026-11-25 09:00")

"""Deadlines follow the policy: a changed figure or calendar override recomputes open tickets."""

from datetime import date, timedelta

import pytest
from django_celery_beat.models import PeriodicTask

from apps.policy.models import CalendarOverride, CalendarYear, Platform
from apps.sla.services import clock_recompute, ticket_clock_start
from apps.sla.sweep import clock_sweep
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, DraftFactory
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db


def _received(filed="2026-11-24 09:30", submitted="2026-11-24 10:00"):
    draft = DraftFactory(complaint=ComplaintFactory(filed_at=shanghai(filed)))
    return ticket_clock_start(ticket_id=draft.pk, submitted_at=shanghai(submitted), now=shanghai(submitted))


def test_a_changed_handling_time_moves_open_tickets_deadlines():
    ticket = _received()
    closed = _received()
    WithdrawalTicket.objects.filter(pk=closed.pk).update(status=TicketStatus.APPROVED)
    Platform.objects.filter(code="wechat").update(longest_handling_hours=48)
    assert clock_recompute(now=shanghai("2026-11-24 11:00")) == 1
    ticket.refresh_from_db()
    closed.refresh_from_db()
    assert ticket.decision_due_at == shanghai("2026-11-26 10:00")
    assert closed.decision_due_at == shanghai("2026-11-27 10:00")


def test_a_holiday_override_pushes_the_resolution_deadline():
    ticket = _received()
    assert ticket.complaint_resolution_at == shanghai("2026-12-03 21:00")
    CalendarOverride.objects.create(date=date(2026, 11, 30), kind="holiday", reason="office move")
    clock_recompute(now=shanghai("2026-11-24 11:00"))
    ticket.refresh_from_db()
    assert ticket.complaint_resolution_at == shanghai("2026-12-04 21:00")


def test_entering_next_years_schedule_clears_the_provisional_flag():
    ticket = _received("2026-12-28 09:30", "2026-12-28 10:00")
    assert ticket.deadlines_provisional
    CalendarYear.objects.create(year=2027, schedule_complete=True, note="State Council notice")
    clock_recompute(now=shanghai("2026-12-28 11:00"))
    ticket.refresh_from_db()
    assert not ticket.deadlines_provisional


def test_recomputed_tickets_are_due_and_the_sweep_settles_them():
    ticket = _received()
    now = shanghai("2026-11-24 11:00")
    clock_recompute(now=now)
    ticket.refresh_from_db()
    assert ticket.next_transition_at == now
    clock_sweep(now=now)
    ticket.refresh_from_db()
    assert ticket.next_transition_at == shanghai("2026-11-24 13:30")


def test_a_policy_change_queues_a_recompute_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr("apps.sla.tasks.recompute.delay", lambda *args, **kwargs: calls.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        platform = Platform.objects.get(code="alipay")
        platform.longest_handling_hours = 36
        platform.save()
    assert calls == [()]


def test_the_sweep_runs_every_minute_from_an_editable_beat_schedule():
    task = PeriodicTask.objects.get(task="sla.sweep")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert timedelta(minutes=task.interval.every) == timedelta(minutes=1)

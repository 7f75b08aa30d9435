"""The sweep's one-statement PostgreSQL batch and its portable ORM batch follow the pure rule exactly.

Many tickets in every combination of status and clock columns (boundaries to the second, missing
values, a stage the complaint's age has gone back from) are swept once; every ticket, event, stage
entry and count must be what `transitions.advance` says, whichever path ran.
"""

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connections

from apps.sla import sweep as sweep_module
from apps.sla.sweep import ROW_COLUMNS, STUCK_RETRY_DELAY, WRITTEN_COLUMNS, _windows, clock_sweep
from apps.sla.transitions import ClockRow, advance
from apps.tickets.models import EventKind, StageEntry, TicketEvent, TicketStatus, WithdrawalTicket
from tests.factories import TicketFactory, UserFactory
from tests.sla.conftest import shanghai

NOW = shanghai("2026-11-25 09:00:00")
STATUSES = [
    TicketStatus.SUBMITTED,
    TicketStatus.RECEIVED,
    TicketStatus.ASSIGNED,
    TicketStatus.WAITING_ON_REQUESTER,
    TicketStatus.APPROVED,
    TicketStatus.EXPIRED,
]
# Offsets from NOW: exact boundaries, a second either side, hours either side, and no value at all.
MOMENTS = [None, 0, -1, 1, -3600, 3600, -86400, 86400]
# Complaint ages in hours, with every stage boundary exactly and a second before it.
AGES = [None, -1, 0, 1, 5.9997, 6, 12, 23.9997, 24, 50, 71.9997, 72, 100]


def _moment(rng: random.Random):
    offset = rng.choice(MOMENTS)
    return None if offset is None else NOW + timedelta(seconds=offset)


def _tickets(rng: random.Random, count: int) -> list[int]:
    stage_ids = [stage.id for stage in _windows()]
    ids = []
    for _ in range(count):
        status = rng.choice(STATUSES)
        age = rng.choice(AGES)
        ticket = TicketFactory(
            status=status,
            assignee=UserFactory() if status == TicketStatus.ASSIGNED else None,
            submitted_at=NOW - timedelta(days=3),
        )
        WithdrawalTicket.objects.filter(pk=ticket.pk).update(
            complaint_filed_at=None if age is None else NOW - timedelta(hours=age),
            stage_id=rng.choice([None, *stage_ids]),
            received_at=_moment(rng),
            stage_entered_at=_moment(rng),
            stage_ends_at=_moment(rng),
            complaint_resolution_at=_moment(rng),
            first_contact_due_at=_moment(rng),
            first_contact_at=_moment(rng),
            first_contact_breached_at=_moment(rng),
            decision_due_at=_moment(rng),
            decision_breached_at=_moment(rng),
            next_transition_at=NOW - timedelta(seconds=rng.choice([0, 1, 3600])),
        )
        ids.append(ticket.pk)
    return ids


def _expected(ids: list[int]):
    stages = _windows()
    rows = [ClockRow(*row) for row in WithdrawalTicket.objects.filter(pk__in=ids).values_list(*ROW_COLUMNS)]
    expected = {}
    for row in rows:
        done = advance(row, NOW, stages)
        if done.row.next_transition_at is not None and done.row.next_transition_at <= NOW:
            done = replace(done, row=replace(done.row, next_transition_at=NOW + STUCK_RETRY_DELAY))
        expected[row.id] = done
    return expected


def _events(ticket_id: int):
    return [
        (e.kind, e.dedupe_key, e.occurred_at, e.from_value, e.to_value, e.data, e.actor_label)
        for e in TicketEvent.objects.filter(ticket_id=ticket_id).order_by("id")
    ]


@pytest.fixture(params=["one statement in PostgreSQL", "portable, through the ORM"])
def path(request, monkeypatch):
    if request.param.startswith("portable"):
        monkeypatch.setattr(sweep_module, "_in_sql", lambda: False)
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_every_ticket_ends_as_the_pure_rule_says(path, seed):
    ids = _tickets(random.Random(seed), 120)
    expected = _expected(ids)
    versions = dict(WithdrawalTicket.objects.filter(pk__in=ids).values_list("pk", "version"))
    entries_before = set(StageEntry.objects.values_list("ticket_id", "stage_id", "entered_at"))

    result = clock_sweep(now=NOW, batch_size=50)

    after = {
        row[0]: row
        for row in WithdrawalTicket.objects.filter(pk__in=ids).values_list("pk", "version", *WRITTEN_COLUMNS)
    }
    for pk, done in expected.items():
        assert after[pk][2:] == tuple(getattr(done.row, column) for column in WRITTEN_COLUMNS), pk
        assert after[pk][1] == versions[pk] + (1 if done.changed else 0), pk
        assert _events(pk) == [
            (e.kind, e.key, e.at, e.from_value, e.to_value, e.data, "clock") for e in done.events
        ], pk
    entries = set(StageEntry.objects.values_list("ticket_id", "stage_id", "entered_at")) - entries_before
    assert entries == {(pk, stage, at) for pk, done in expected.items() for stage, at in done.stages_entered}
    assert result.due == len(ids)
    assert result.received == sum(done.received for done in expected.values())
    assert result.expired == sum(done.expired for done in expected.values())
    assert result.stage_changes == sum(done.stage_changed for done in expected.values())
    assert sorted(result.breach_event_keys) == sorted(
        key for done in expected.values() for key in done.breaches
    )
    assert result.breaches == len(result.breach_event_keys)
    # The mix covered every kind of change, not only some.
    assert result.received and result.expired and result.stage_changes and result.breaches


@pytest.mark.django_db
def test_the_same_sweep_again_finds_nothing_to_do(path):
    ids = _tickets(random.Random(3), 40)
    tickets = WithdrawalTicket.objects.filter(pk__in=ids).order_by("pk")
    clock_sweep(now=NOW)
    events = TicketEvent.objects.count()
    versions = list(tickets.values_list("version", flat=True))
    again = clock_sweep(now=NOW)
    assert again.due == 0
    assert TicketEvent.objects.count() == events
    assert list(tickets.values_list("version", flat=True)) == versions


@pytest.mark.django_db
def test_an_event_already_recorded_is_not_recorded_twice(path):
    """A retried change whose event is already there (e.g. recorded by the previous attempt) adds none."""
    ticket = TicketFactory(
        status=TicketStatus.SUBMITTED, received_at=NOW, submitted_at=NOW - timedelta(hours=1)
    )
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(
        complaint_filed_at=NOW - timedelta(hours=1), next_transition_at=NOW
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.RECEIVED,
        actor_label="clock",
        occurred_at=NOW,
        from_value="submitted",
        to_value="received",
        dedupe_key=f"received:{ticket.pk}",
    )
    result = clock_sweep(now=NOW)
    assert result.received == 1
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.RECEIVED
    assert TicketEvent.objects.filter(dedupe_key=f"received:{ticket.pk}").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_ticket_held_by_someone_else_is_skipped_then_caught_by_the_next_sweep():
    held, free = (
        TicketFactory(status=TicketStatus.SUBMITTED, received_at=NOW, submitted_at=NOW - timedelta(hours=1))
        for _ in range(2)
    )
    WithdrawalTicket.objects.filter(pk__in=[held.pk, free.pk]).update(
        complaint_filed_at=NOW - timedelta(hours=1), next_transition_at=NOW
    )
    other = connections.create_connection("default")  # an agent's transaction, holding one row
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM tickets_withdrawalticket WHERE id = %s FOR UPDATE", [held.pk])
            first = clock_sweep(now=NOW)
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert (first.due, first.received) == (1, 1)
    assert WithdrawalTicket.objects.get(pk=held.pk).status == TicketStatus.SUBMITTED
    second = clock_sweep(now=NOW)
    assert (second.due, second.received) == (1, 1)
    assert WithdrawalTicket.objects.get(pk=held.pk).status == TicketStatus.RECEIVED
    assert TicketEvent.objects.filter(kind=EventKind.RECEIVED, ticket_id__in=[held.pk, free.pk]).count() == 2

"""The pure rules of one ticket's clock: what is due next, and what a sweep does to it."""

from datetime import UTC, datetime, timedelta

from apps.sla.transitions import ClockRow, StageWindow, advance, next_transition

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
STAGES = [
    StageWindow(1, "preliminary_review", 0, 6),
    StageWindow(2, "evidence_check", 6, 24),
    StageWindow(3, "final_review", 24, 72),
    StageWindow(4, "handled", 72, None),
]


def row(**changes) -> ClockRow:
    base = {
        "id": 7,
        "status": "received",
        "stage_id": 1,
        "complaint_filed_at": NOW - timedelta(hours=1),
        "received_at": NOW - timedelta(minutes=30),
        "stage_entered_at": NOW - timedelta(hours=1),
        "stage_ends_at": NOW + timedelta(hours=5),
        "complaint_resolution_at": NOW + timedelta(days=5),
        "first_contact_due_at": NOW + timedelta(hours=3),
        "first_contact_at": None,
        "first_contact_breached_at": None,
        "decision_due_at": NOW + timedelta(hours=24),
        "decision_breached_at": None,
    }
    return ClockRow(**{**base, **changes})


def test_the_next_transition_is_the_nearest_pending_boundary():
    assert next_transition(row()) == NOW + timedelta(hours=3)  # first contact
    assert next_transition(row(first_contact_at=NOW)) == NOW + timedelta(hours=5)  # stage end
    assert next_transition(
        row(status="submitted", received_at=NOW + timedelta(hours=7), stage_ends_at=NOW + timedelta(hours=8))
    ) == NOW + timedelta(hours=7)


def test_waiting_on_the_requester_pauses_the_decision_but_not_the_stage():
    waiting = row(
        status="waiting_on_requester", first_contact_at=NOW, decision_due_at=NOW + timedelta(hours=1)
    )
    assert next_transition(waiting) == NOW + timedelta(hours=5)


def test_a_closed_ticket_has_nothing_pending():
    for status in ("approved", "refused", "routed", "expired", "cancelled", "draft"):
        assert next_transition(row(status=status)) is None


def test_nothing_due_changes_nothing():
    result = advance(row(), NOW, STAGES)
    assert not result.changed
    assert result.row.next_transition_at == NOW + timedelta(hours=3)


def test_receipt_stage_and_breach_together_in_order():
    late = row(
        status="submitted",
        received_at=NOW - timedelta(minutes=1),
        stage_id=1,
        complaint_filed_at=NOW - timedelta(hours=7),
        first_contact_due_at=NOW - timedelta(hours=3),
    )
    result = advance(late, NOW, STAGES)
    assert [event.kind for event in result.events] == ["received", "stage_changed", "deadline_breached"]
    assert (result.row.status, result.row.stage_id) == ("received", 2)
    assert result.row.first_contact_breached_at == NOW - timedelta(minutes=1)  # breached on receipt
    assert result.stages_entered == ((2, NOW - timedelta(hours=1)),)


def test_expiry_stops_the_stage_clock():
    result = advance(
        row(complaint_resolution_at=NOW - timedelta(seconds=1), complaint_filed_at=NOW - timedelta(hours=30)),
        NOW,
        STAGES,
    )
    assert result.expired
    assert result.row.status == "expired"
    assert not result.stage_changed
    assert result.row.next_transition_at is None

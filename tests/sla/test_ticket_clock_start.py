"""Submitting a ticket starts its clock: receipt, stage and the four deadlines stored on the row."""

from datetime import timedelta

import pytest

from apps.core.errors import ApplicationError
from apps.sla.services import ticket_clock_start
from apps.tickets.models import EventKind, TicketStatus
from tests.factories import ComplaintFactory, DraftFactory, complaint_type, platform
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db


def _draft(filed: str, platform_code: str = "wechat", type_code: str = "infringement"):
    complaint = ComplaintFactory(
        filed_at=shanghai(filed), platform=platform(platform_code), complaint_type=complaint_type(type_code)
    )
    return DraftFactory(complaint=complaint)


def test_a_night_submission_waits_for_nine_oclock():
    draft = _draft("2026-11-24 20:30")
    submitted = shanghai("2026-11-24 22:00")
    ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert ticket.status == TicketStatus.SUBMITTED
    assert ticket.received_at == shanghai("2026-11-25 09:00")
    # Still in its preliminary review tonight; that stage ends before the service opens.
    assert ticket.stage.code == "preliminary_review"
    assert ticket.next_transition_at == shanghai("2026-11-25 02:30")
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]


def test_a_daytime_submission_is_received_at_once_with_all_four_deadlines():
    draft = _draft("2026-11-24 09:30")
    submitted = shanghai("2026-11-24 10:00")
    ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert ticket.status == TicketStatus.RECEIVED
    assert ticket.received_at == submitted
    assert ticket.first_contact_due_at == shanghai("2026-11-24 13:30")
    assert ticket.decision_due_at == submitted + timedelta(hours=72)  # WeChat
    # Infringement: 7 working days after the day the complaint was received (Tue 24 Nov).
    assert ticket.complaint_resolution_at == shanghai("2026-12-03 21:00")
    assert ticket.stage.code == "preliminary_review"
    assert ticket.stage_ends_at == shanghai("2026-11-24 15:30")
    assert ticket.next_transition_at == ticket.first_contact_due_at
    assert not ticket.deadlines_provisional
    assert ticket.stage_entries.get().stage.code == "preliminary_review"
    assert set(ticket.events.values_list("kind", flat=True)) == {EventKind.SUBMITTED, EventKind.RECEIVED}


@pytest.mark.parametrize(("code", "hours"), [("wechat", 72), ("alipay", 24), ("douyin", 48), ("taobao", 120)])
def test_the_decision_deadline_is_the_platforms_longest_handling_time(code, hours):
    draft = _draft("2026-11-24 09:30", platform_code=code)
    submitted = shanghai("2026-11-24 10:00")
    ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert ticket.decision_due_at - ticket.received_at == timedelta(hours=hours)


def test_a_late_december_ticket_reaching_2027_is_flagged_provisional():
    draft = _draft("2026-12-28 10:00")
    submitted = shanghai("2026-12-28 11:00")
    ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert ticket.deadlines_provisional
    assert ticket.complaint_resolution_at == shanghai("2027-01-06 21:00")


def test_a_fraud_complaint_is_resolved_at_once():
    draft = _draft("2026-11-24 22:10", type_code="fraud")
    submitted = shanghai("2026-11-24 22:20")
    ticket = ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert ticket.complaint_resolution_at == shanghai("2026-11-25 09:00")


def test_a_ticket_is_submitted_only_once():
    draft = _draft("2026-11-24 09:30")
    submitted = shanghai("2026-11-24 10:00")
    ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    with pytest.raises(ApplicationError, match="already been submitted"):
        ticket_clock_start(ticket_id=draft.pk, submitted_at=submitted, now=submitted)
    assert draft.events.filter(kind=EventKind.SUBMITTED).count() == 1

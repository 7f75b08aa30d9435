"""The cooling-off lane: one's own low-risk complaint, cancelled in one step within 5 minutes."""

from datetime import timedelta

import pytest

from apps.complaints.models import ComplaintStatus
from apps.core.errors import ApplicationError
from apps.intake import services as intake
from apps.policy.models import ComplaintType, Platform, PolicySettings
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, RequesterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def violation(db):
    return ComplaintType.objects.get(code="account_violation")


def _fresh(complainant, kind, filed_at):
    return ComplaintFactory(complainant=complainant, complaint_type=kind, filed_at=filed_at)


def _cancel(requester, complaint, **kwargs):
    return intake.complaint_cool_off_cancel(
        platform=complaint.platform, number=complaint.number, requester=requester, **kwargs
    )


def test_cancelled_at_4_min_59_s_with_no_ticket(requester, frozen, violation):
    complaint = ComplaintFactory(
        complainant=requester, complaint_type=violation, filed_at=frozen.at - timedelta(minutes=4, seconds=59)
    )

    cancelled = _cancel(requester, complaint)

    assert cancelled.status == ComplaintStatus.CANCELLED
    assert cancelled.cancelled_at == frozen.at
    assert not WithdrawalTicket.objects.filter(complaint=complaint).exists()


def test_refused_at_exactly_5_minutes(requester, frozen, violation):
    complaint = _fresh(requester, violation, frozen.at - timedelta(minutes=5))

    with pytest.raises(ApplicationError) as caught:
        _cancel(requester, complaint)

    assert caught.value.extra["code"] == "cooling_off_over"
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


def test_the_minutes_come_from_policy(requester, frozen, violation):
    PolicySettings.objects.update(cooling_off_minutes=10)
    complaint = _fresh(requester, violation, frozen.at - timedelta(minutes=9))

    assert _cancel(requester, complaint).status == ComplaintStatus.CANCELLED


def test_a_type_that_is_not_low_risk_needs_a_withdrawal(requester, frozen):
    complaint = ComplaintFactory(complainant=requester, filed_at=frozen.at - timedelta(minutes=1))

    with pytest.raises(ApplicationError) as caught:
        _cancel(requester, complaint)

    assert caught.value.extra["code"] == "cooling_off_over"


def test_only_the_complainant_can_cancel(frozen, violation):
    owner = RequesterFactory()
    complaint = _fresh(owner, violation, frozen.at - timedelta(minutes=1))

    with pytest.raises(ApplicationError) as caught:
        _cancel(RequesterFactory(), complaint)

    assert caught.value.extra["code"] == "not_found"


def test_cancelling_from_the_wizard_closes_the_draft(requester, frozen, violation):
    complaint = _fresh(requester, violation, frozen.at - timedelta(minutes=2))
    draft = intake.intake_start(
        requester=requester, platform=Platform.objects.get(code="wechat"), complaint_type=violation
    )
    intake.intake_complaint_confirm(ticket_id=draft.pk, requester=requester, number=complaint.number)

    _cancel(requester, complaint, draft_id=draft.pk)

    draft.refresh_from_db()
    assert draft.status == TicketStatus.CANCELLED
    assert draft.complaint is None


def test_the_window_left_is_shown_to_the_second(requester, frozen, violation):
    complaint = _fresh(requester, violation, frozen.at - timedelta(minutes=3))

    assert intake.cooling_off_window(complaint=complaint, now=frozen.at) == timedelta(minutes=2)

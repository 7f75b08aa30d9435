"""What must never happen to tickets and complaints is refused by PostgreSQL itself."""

import pytest
from django.db import IntegrityError, transaction

from apps.complaints.models import Complaint
from apps.evidence.models import EvidenceFile
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, TicketFactory, UserFactory, platform, tier

pytestmark = pytest.mark.django_db


def test_one_open_withdrawal_ticket_per_complaint():
    first = TicketFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(complaint=first.complaint)


def test_a_closed_ticket_leaves_room_for_a_new_request():
    refused = TicketFactory(status=TicketStatus.REFUSED)
    again = TicketFactory(complaint=refused.complaint)
    assert again.complaint == refused.complaint
    assert WithdrawalTicket.objects.filter(complaint=refused.complaint).count() == 2


def test_drafts_without_a_complaint_do_not_collide():
    requester = UserFactory()
    for _ in range(2):
        WithdrawalTicket.objects.create(
            source="portal", platform=platform(), requester=requester, status=TicketStatus.DRAFT
        )
    assert WithdrawalTicket.objects.filter(complaint__isnull=True).count() == 2


def test_complaint_number_unique_per_platform_but_not_across_platforms():
    ComplaintFactory(number="WX202611240930001234")
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintFactory(number="WX202611240930001234")
    other = ComplaintFactory(number="WX202611240930001234", platform=platform("alipay"))
    assert Complaint.objects.filter(number=other.number).count() == 2


def test_an_unknown_status_is_refused():
    ticket = TicketFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalTicket.objects.filter(pk=ticket.pk).update(status="lost")


def test_an_assigned_ticket_needs_an_assignee():
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(status=TicketStatus.ASSIGNED, assignee=None)


def test_a_submitted_ticket_needs_its_submission_time_and_complaint():
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(submitted_at=None, received_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalTicket.objects.create(
            source="api", platform=platform(), status=TicketStatus.RECEIVED,
            submitted_at="2026-11-24T01:00:00Z",
        )


def test_evidence_size_cannot_be_negative():
    ticket = TicketFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.create(
            ticket=ticket, tier=tier(), file="evidence/x", original_name="a.pdf",
            detected_type="application/pdf", size=-1, sha256="0" * 64,
        )


def test_ticket_numbers_are_unique_and_easy_to_read_aloud():
    references = {TicketFactory().reference for _ in range(20)}
    assert len(references) == 20
    for reference in references:
        assert len(reference) == len("CH-XXXX-XXXX")
        assert not set(reference) & set("01IO")


def test_a_draft_can_be_cancelled_before_it_was_ever_submitted():
    draft = WithdrawalTicket.objects.create(
        source="portal", platform=platform(), requester=UserFactory(), status=TicketStatus.DRAFT
    )
    draft.status = TicketStatus.CANCELLED
    draft.save(update_fields=["status"])
    assert WithdrawalTicket.objects.get(pk=draft.pk).submitted_at is None

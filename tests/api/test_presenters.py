"""The API builds tickets without DRF's fields; what it answers must be what the schema says."""

from datetime import timedelta

import pytest
from django.utils import translation

from apps.api.presenters import ticket_summary
from apps.api.serializers import TicketSummarySerializer
from apps.policy.models import AlternativeRoute, SpecialCase, Stage
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.factories import DraftFactory, RequesterFactory, TicketFactory

pytestmark = pytest.mark.django_db

RELATED = ("platform", "complaint_type", "special_case", "complaint", "stage", "route")


def _tickets(complaint, frozen) -> list[WithdrawalTicket]:
    now = frozen.moment
    draft = DraftFactory(
        requester=RequesterFactory(), complaint=None, complaint_type=None, complaint_filed_at=None,
        platform=complaint.platform,
    )
    received = TicketFactory(
        complaint=complaint, requester=RequesterFactory(), stage=Stage.objects.order_by("order").first(),
        special_case=SpecialCase.objects.first(), submitted_at=now - timedelta(hours=2),
        received_at=now - timedelta(hours=1), first_contact_due_at=now + timedelta(hours=3),
        decision_due_at=now + timedelta(days=2), stage_ends_at=now + timedelta(minutes=90),
        complaint_resolution_at=now + timedelta(days=7),
    )
    routed = TicketFactory(
        requester=RequesterFactory(), status=TicketStatus.ROUTED, assigned_at=now - timedelta(minutes=30),
        decided_at=now,
        decision_reason="The complaint was a fraud report: 报警 first.",
        route=AlternativeRoute.objects.first(),
    )
    ids = [draft.pk, received.pk, routed.pk]
    return list(WithdrawalTicket.objects.select_related(*RELATED).filter(pk__in=ids).order_by("pk"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_ticket_reads_the_same_as_its_schema_serializer_says(complaint, frozen, language):
    tickets = _tickets(complaint, frozen)
    assert {ticket.status for ticket in tickets} == {
        TicketStatus.DRAFT, TicketStatus.RECEIVED, TicketStatus.ROUTED,
    }
    with translation.override(language):
        for ticket in tickets:
            expected = dict(TicketSummarySerializer(ticket).data)
            assert ticket_summary(ticket) == expected
            assert list(ticket_summary(ticket)) == list(expected)  # the same order of fields, too


def test_the_summary_has_every_value_a_populated_ticket_holds(complaint, frozen):
    """Not vacuous: the tickets compared above carry a value in every field that can hold one."""
    summaries = [ticket_summary(ticket) for ticket in _tickets(complaint, frozen)]
    empty = [name for name in summaries[0] if all(summary[name] in (None, "") for summary in summaries)]
    assert empty == []

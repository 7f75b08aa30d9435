"""Output shapes shared by several endpoints: the error, a ticket, its progress, evidence, events."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from apps.core import clock
from apps.core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictFloatField,
    StrictIntegerField,
)
from apps.intake.selectors import intake_step
from apps.sla.presenter import DeadlineState
from apps.sla.selectors import DECISION, FIRST_CONTACT, RESOLUTION, ticket_deadline
from apps.tickets.models import TicketStatus

DEADLINE_STATES = [state.value for state in DeadlineState]
DEADLINE_KINDS = [FIRST_CONTACT, DECISION, RESOLUTION]


class DeadlineStateField(StrictChoiceField):
    """One of the ticket's deadlines as it stands now: running, paused, met on time or late, missed."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(choices=DEADLINE_STATES, source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(ticket_deadline(value, self.kind, now=clock.now()).state)


class TicketSummarySerializer(serializers.Serializer):
    """A ticket as lists show it: its number, where it stands, its clock's deadlines."""

    reference = StrictCharField()
    status = StrictChoiceField(choices=TicketStatus.choices)
    status_label = StrictCharField(source="get_status_display")
    source = StrictCharField()  # type: ignore[assignment]  # a field, not Field.source
    platform = StrictCharField(source="platform.code")
    complaint_type = StrictCharField(source="complaint_type.code", allow_null=True)
    special_case = StrictCharField(source="special_case.code", allow_null=True)
    complaint_number = StrictCharField(source="complaint.number", allow_null=True)
    complaint_filed_at = serializers.DateTimeField(allow_null=True)
    stage = StrictCharField(source="stage.code", allow_null=True)
    intake_step = serializers.SerializerMethodField()
    version = StrictIntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    first_contact_due_at = serializers.DateTimeField(allow_null=True)
    first_contact_state = DeadlineStateField(FIRST_CONTACT)
    decision_due_at = serializers.DateTimeField(allow_null=True)
    decision_state = DeadlineStateField(DECISION)
    complaint_resolution_at = serializers.DateTimeField(allow_null=True)
    complaint_resolution_state = DeadlineStateField(RESOLUTION)
    stage_ends_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = StrictCharField()
    route = StrictCharField(source="route.code", allow_null=True)

    def get_intake_step(self, ticket: Any) -> int | None:
        """The first intake step (1-5) a draft has not completed; null once it is sent."""
        return intake_step(ticket) if ticket.status == TicketStatus.DRAFT else None


class DeadlineSerializer(serializers.Serializer):
    kind = StrictChoiceField(choices=DEADLINE_KINDS)
    label = StrictCharField()  # type: ignore[assignment]  # a field, not Field.label
    at = serializers.DateTimeField()
    state = StrictChoiceField(choices=DEADLINE_STATES)
    passed = StrictBooleanField()
    met_at = serializers.DateTimeField(allow_null=True)


class TierSerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()
    present = StrictBooleanField()


class DocumentCheckSerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()
    present = StrictBooleanField()
    why = StrictCharField()


class RouteSerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()
    days_min = StrictIntegerField()
    days_max = StrictIntegerField()
    day_kind = StrictCharField()
    cost = StrictCharField()
    success_rate = StrictFloatField()


class IdentitySerializer(serializers.Serializer):
    methods = serializers.ListField(child=StrictCharField())
    passed = serializers.ListField(child=StrictCharField())
    next_method = StrictCharField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    attempts_left = StrictIntegerField()
    retry_after = serializers.DateTimeField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    """What the requester's ticket page shows: stage, time left, chance, deadlines, what is missing."""

    stage = StrictCharField(allow_null=True)
    stage_name = StrictCharField(allow_null=True)
    stage_seconds_left = StrictIntegerField(allow_null=True)
    estimate = StrictFloatField(allow_null=True, min_value=0, max_value=1)
    deadlines = DeadlineSerializer(many=True)
    tiers = TierSerializer(many=True)
    complete_chain_multiplier = StrictFloatField()
    documents = DocumentCheckSerializer(many=True)
    missing_documents = serializers.ListField(child=StrictCharField())
    routes = RouteSerializer(many=True)
    identity = IdentitySerializer()


class TicketDetailSerializer(TicketSummarySerializer):
    progress = ProgressSerializer()


class EvidenceSerializer(serializers.Serializer):
    id = StrictIntegerField()
    tier = StrictCharField(source="tier.code")
    document = StrictCharField(source="document.code", allow_null=True)
    original_name = StrictCharField()
    detected_type = StrictCharField()
    size = StrictIntegerField()
    sha256 = StrictCharField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()
    erased = StrictBooleanField(
        help_text="The file and its name were erased when their retention period ended; "
        "the download answers 404."
    )

    def get_download_url(self, evidence: Any) -> str:
        return reverse("api:evidence_download", kwargs={"pk": evidence.pk})


class EventSerializer(serializers.Serializer):
    id = StrictIntegerField()
    kind = StrictCharField()
    kind_label = StrictCharField()
    occurred_at = serializers.DateTimeField()
    actor = StrictCharField()
    detail = StrictCharField()
    from_value = StrictCharField()
    to_value = StrictCharField()

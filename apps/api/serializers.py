"""Output shapes shared by several endpoints: the error, a ticket, its progress, evidence, events."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from apps.intake.selectors import intake_step
from apps.tickets.models import TicketStatus


class TicketSummarySerializer(serializers.Serializer):
    """A ticket as lists show it: its number, where it stands, its clock's deadlines."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    source = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.source
    platform = serializers.CharField(source="platform.code")
    complaint_type = serializers.CharField(source="complaint_type.code", allow_null=True)
    special_case = serializers.CharField(source="special_case.code", allow_null=True)
    complaint_number = serializers.CharField(source="complaint.number", allow_null=True)
    complaint_filed_at = serializers.DateTimeField(allow_null=True)
    stage = serializers.CharField(source="stage.code", allow_null=True)
    intake_step = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    first_contact_due_at = serializers.DateTimeField(allow_null=True)
    decision_due_at = serializers.DateTimeField(allow_null=True)
    complaint_resolution_at = serializers.DateTimeField(allow_null=True)
    stage_ends_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    route = serializers.CharField(source="route.code", allow_null=True)

    def get_intake_step(self, ticket: Any) -> int | None:
        """The first intake step (1-5) a draft has not completed; null once it is sent."""
        return intake_step(ticket) if ticket.status == TicketStatus.DRAFT else None


class DeadlineSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    at = serializers.DateTimeField()
    passed = serializers.BooleanField()
    met_at = serializers.DateTimeField(allow_null=True)


class TierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    present = serializers.BooleanField()


class DocumentCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    present = serializers.BooleanField()
    why = serializers.CharField()


class RouteSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    days_min = serializers.IntegerField()
    days_max = serializers.IntegerField()
    day_kind = serializers.CharField()
    cost = serializers.CharField()
    success_rate = serializers.FloatField()


class IdentitySerializer(serializers.Serializer):
    methods = serializers.ListField(child=serializers.CharField())
    passed = serializers.ListField(child=serializers.CharField())
    next_method = serializers.CharField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    attempts_left = serializers.IntegerField()
    retry_after = serializers.DateTimeField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    """What the requester's ticket page shows: stage, time left, chance, deadlines, what is missing."""

    stage = serializers.CharField(allow_null=True)
    stage_name = serializers.CharField(allow_null=True)
    stage_seconds_left = serializers.IntegerField(allow_null=True)
    estimate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    deadlines = DeadlineSerializer(many=True)
    tiers = TierSerializer(many=True)
    complete_chain_multiplier = serializers.FloatField()
    documents = DocumentCheckSerializer(many=True)
    missing_documents = serializers.ListField(child=serializers.CharField())
    routes = RouteSerializer(many=True)
    identity = IdentitySerializer()


class TicketDetailSerializer(TicketSummarySerializer):
    progress = ProgressSerializer()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tier = serializers.CharField(source="tier.code")
    document = serializers.CharField(source="document.code", allow_null=True)
    original_name = serializers.CharField()
    detected_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, evidence: Any) -> str:
        return reverse("api:evidence_download", kwargs={"pk": evidence.pk})


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField()
    detail = serializers.CharField()
    from_value = serializers.CharField()
    to_value = serializers.CharField()

"""The policy in force (GET /policies/): platforms, complaint types, stages, special cases, routes,
evidence tiers and formats, reply templates and the global figures, named in the caller's language."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.base import ApiView
from apps.api.schema import errors
from apps.casework.selectors import reply_templates_offered
from apps.policy.models import (
    AlternativeRoute,
    ComplaintType,
    EvidenceFormat,
    EvidenceTier,
    Platform,
    PolicySettings,
    SpecialCase,
    Stage,
)
from apps.sla.selectors import localized


def _codes(related: Any) -> list[str]:
    return [row.code for row in related.all()]


class NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlatformSerializer(NamedSerializer):
    entry_point = serializers.CharField()
    entry_path = serializers.CharField()
    identity_methods = serializers.ListField(child=serializers.CharField())
    longest_handling_hours = serializers.IntegerField()
    complaint_number_pattern = serializers.CharField()
    complaint_number_example = serializers.CharField()
    complaint_number_hint = serializers.CharField()
    active = serializers.BooleanField()


class ComplaintTypeSerializer(NamedSerializer):
    withdrawability = serializers.CharField()
    handling_days_min = serializers.IntegerField()
    handling_days_max = serializers.IntegerField()
    frozen_at_once = serializers.BooleanField()
    key_condition = serializers.CharField()
    low_risk = serializers.BooleanField()
    required_documents = serializers.ListField(child=serializers.CharField())


class StageSerializer(NamedSerializer):
    starts_at_hour = serializers.IntegerField()
    ends_at_hour = serializers.IntegerField(allow_null=True)
    entry_success_rate = serializers.FloatField()
    decay_rate = serializers.FloatField()
    decay_period_hours = serializers.IntegerField(allow_null=True)
    deadline_inside = serializers.CharField()
    needed_to_continue = serializers.CharField()
    needed_documents = serializers.ListField(child=serializers.CharField())
    irreversible = serializers.BooleanField()


class SpecialCaseSerializer(NamedSerializer):
    policy = serializers.CharField()
    example = serializers.CharField()
    documents = serializers.ListField(child=serializers.CharField())


class PolicyRouteSerializer(NamedSerializer):
    days_min = serializers.IntegerField()
    days_max = serializers.IntegerField()
    day_kind = serializers.CharField()
    cost = serializers.CharField()
    success_rate = serializers.FloatField()


class PolicyTierSerializer(NamedSerializer):
    description = serializers.CharField()


class FormatSerializer(NamedSerializer):
    mime_type = serializers.CharField()
    extension = serializers.CharField()
    carries_images = serializers.BooleanField()


class SettingsSerializer(serializers.Serializer):
    time_zone = serializers.CharField()
    service_opens_at = serializers.CharField(help_text="HH:MM in the policy's time zone.")
    service_closes_at = serializers.CharField(
        help_text="HH:MM in the policy's time zone; the minute itself is closed."
    )
    service_on_holidays = serializers.BooleanField()
    first_contact_hours = serializers.IntegerField()
    peak_assignment_wait_hours = serializers.IntegerField()
    max_evidence_bytes = serializers.IntegerField()
    complete_chain_odds_multiplier = serializers.FloatField()
    cooling_off_minutes = serializers.IntegerField()
    face_rejection_rate = serializers.FloatField()


class PoliciesApi(ApiView):
    """Everything a client needs to offer the right choices and explain the figures."""

    required_scopes = {"GET": "policies:read"}

    class PoliciesOutputSerializer(serializers.Serializer):
        settings = SettingsSerializer()
        platforms = PlatformSerializer(many=True)
        complaint_types = ComplaintTypeSerializer(many=True)
        stages = StageSerializer(many=True)
        special_cases = SpecialCaseSerializer(many=True)
        routes = PolicyRouteSerializer(many=True)
        evidence_tiers = PolicyTierSerializer(many=True)
        evidence_formats = FormatSerializer(many=True)
        reply_templates = NamedSerializer(many=True)

    @extend_schema(responses={200: PoliciesOutputSerializer, **errors()})
    def get(self, request: Request) -> Response:
        settings = PolicySettings.objects.get()
        data = {
            "settings": {
                **{field: getattr(settings, field) for field in SettingsSerializer._declared_fields},
                "service_opens_at": settings.service_opens_at.strftime("%H:%M"),
                "service_closes_at": settings.service_closes_at.strftime("%H:%M"),
            },
            "platforms": [
                {
                    "code": p.code,
                    "name": localized(p, "name"),
                    "entry_point": localized(p, "entry_point"),
                    "entry_path": localized(p, "entry_path"),
                    "identity_methods": list(p.identity_methods or []),
                    "longest_handling_hours": p.longest_handling_hours,
                    "complaint_number_pattern": p.complaint_number_pattern,
                    "complaint_number_example": p.complaint_number_example,
                    "complaint_number_hint": localized(p, "complaint_number_hint"),
                    "active": p.is_active,
                }
                for p in Platform.objects.all()
            ],
            "complaint_types": [
                {
                    "code": t.code,
                    "name": localized(t, "name"),
                    "withdrawability": t.withdrawability,
                    "handling_days_min": t.handling_days_min,
                    "handling_days_max": t.handling_days_max,
                    "frozen_at_once": t.frozen_at_once,
                    "key_condition": localized(t, "key_condition"),
                    "low_risk": t.low_risk,
                    "required_documents": _codes(t.required_documents),
                }
                for t in ComplaintType.objects.prefetch_related("required_documents")
            ],
            "stages": [
                {
                    "code": s.code,
                    "name": localized(s, "name"),
                    "starts_at_hour": s.starts_at_hour,
                    "ends_at_hour": s.ends_at_hour,
                    "entry_success_rate": s.entry_success_rate,
                    "decay_rate": s.decay_rate,
                    "decay_period_hours": s.decay_period_hours,
                    "deadline_inside": localized(s, "deadline_inside"),
                    "needed_to_continue": localized(s, "needed_to_continue"),
                    "needed_documents": _codes(s.needed_documents),
                    "irreversible": s.irreversible,
                }
                for s in Stage.objects.prefetch_related("needed_documents")
            ],
            "special_cases": [
                {
                    "code": c.code,
                    "name": localized(c, "name"),
                    "policy": localized(c, "policy"),
                    "example": localized(c, "example"),
                    "documents": _codes(c.documents),
                }
                for c in SpecialCase.objects.prefetch_related("documents")
            ],
            "routes": [
                {
                    "code": r.code,
                    "name": localized(r, "name"),
                    "days_min": r.days_min,
                    "days_max": r.days_max,
                    "day_kind": r.day_kind,
                    "cost": localized(r, "cost"),
                    "success_rate": r.success_rate,
                }
                for r in AlternativeRoute.objects.all()
            ],
            "evidence_tiers": [
                {"code": t.code, "name": localized(t, "name"), "description": localized(t, "description")}
                for t in EvidenceTier.objects.all()
            ],
            "evidence_formats": [
                {
                    "code": f.code,
                    "name": localized(f, "name"),
                    "mime_type": f.mime_type,
                    "extension": f.extension,
                    "carries_images": f.carries_images,
                }
                for f in EvidenceFormat.objects.all()
            ],
            "reply_templates": [
                {"code": t.code, "name": localized(t, "title")} for t in reply_templates_offered()
            ],
        }
        return Response(self.PoliciesOutputSerializer(data).data)

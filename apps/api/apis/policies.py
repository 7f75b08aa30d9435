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
from apps.core.fields import StrictBooleanField, StrictCharField, StrictFloatField, StrictIntegerField
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
    code = StrictCharField()
    name = StrictCharField()


class PlatformSerializer(NamedSerializer):
    entry_point = StrictCharField()
    entry_path = StrictCharField()
    identity_methods = serializers.ListField(child=StrictCharField())
    longest_handling_hours = StrictIntegerField()
    complaint_number_pattern = StrictCharField()
    complaint_number_example = StrictCharField()
    complaint_number_hint = StrictCharField()
    active = StrictBooleanField()


class ComplaintTypeSerializer(NamedSerializer):
    withdrawability = StrictCharField()
    handling_days_min = StrictIntegerField()
    handling_days_max = StrictIntegerField()
    frozen_at_once = StrictBooleanField()
    key_condition = StrictCharField()
    low_risk = StrictBooleanField()
    required_documents = serializers.ListField(child=StrictCharField())


class StageSerializer(NamedSerializer):
    starts_at_hour = StrictIntegerField()
    ends_at_hour = StrictIntegerField(allow_null=True)
    entry_success_rate = StrictFloatField()
    decay_rate = StrictFloatField()
    decay_period_hours = StrictIntegerField(allow_null=True)
    deadline_inside = StrictCharField()
    needed_to_continue = StrictCharField()
    needed_documents = serializers.ListField(child=StrictCharField())
    irreversible = StrictBooleanField()


class SpecialCaseSerializer(NamedSerializer):
    policy = StrictCharField()
    example = StrictCharField()
    documents = serializers.ListField(child=StrictCharField())


class PolicyRouteSerializer(NamedSerializer):
    days_min = StrictIntegerField()
    days_max = StrictIntegerField()
    day_kind = StrictCharField()
    cost = StrictCharField()
    success_rate = StrictFloatField()


class PolicyTierSerializer(NamedSerializer):
    description = StrictCharField()


class FormatSerializer(NamedSerializer):
    mime_type = StrictCharField()
    extension = StrictCharField()
    carries_images = StrictBooleanField()


class SettingsSerializer(serializers.Serializer):
    time_zone = StrictCharField()
    service_opens_at = StrictCharField(help_text="HH:MM in the policy's time zone.")
    service_closes_at = StrictCharField(
        help_text="HH:MM in the policy's time zone; the minute itself is closed."
    )
    service_on_holidays = StrictBooleanField()
    first_contact_hours = StrictIntegerField()
    peak_assignment_wait_hours = StrictIntegerField()
    max_evidence_bytes = StrictIntegerField()
    complete_chain_odds_multiplier = StrictFloatField()
    cooling_off_minutes = StrictIntegerField()
    face_rejection_rate = StrictFloatField()


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

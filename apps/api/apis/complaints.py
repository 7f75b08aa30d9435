"""Complaints: record one (POST /complaints/), find one by platform and number (GET /complaints/lookup)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import person_permission_check
from apps.api.base import ApiView, ApiWriteView
from apps.api.fields import CodeField, PlatformField
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.complaints.models import Complaint, ComplaintStatus
from apps.complaints.selectors import complaint_get_by_number
from apps.complaints.services import complaint_create
from apps.core.fields import StrictCharField, StrictChoiceField
from apps.integrations.permissions import integration_platform_check, request_actor
from apps.policy.models import ComplaintType, Platform


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^({'|'.join(ComplaintStatus.values)})$",
        "description": ", ".join(ComplaintStatus.values),
    }
)
class ComplaintStatusField(StrictChoiceField):
    """The complaint's status; no enum component, as "status" names the ticket's statuses there."""


class ComplaintOutputSerializer(serializers.Serializer):
    platform = StrictCharField(source="platform.code")
    number = StrictCharField()
    complaint_type = StrictCharField(source="complaint_type.code")
    complainant_name = StrictCharField()
    respondent = StrictCharField()
    summary = StrictCharField()
    filed_at = serializers.DateTimeField()
    status = ComplaintStatusField(choices=ComplaintStatus.choices)
    created_at = serializers.DateTimeField()


def _lookup_url(complaint: Complaint) -> str:
    return f"{reverse('api:complaint_lookup')}?platform={complaint.platform.code}&number={complaint.number}"


class ComplaintCreateApi(ApiWriteView):
    """Record a complaint as the platform holds it, so its complainant can ask to withdraw it."""

    required_scopes = {"POST": "complaints:write"}

    class ComplaintCreateInputSerializer(serializers.Serializer):
        platform = PlatformField(queryset=Platform.objects.all())
        number = StrictCharField(max_length=64, help_text="The platform's complaint number.")
        complaint_type = CodeField(queryset=ComplaintType.objects.all())
        complainant_name = StrictCharField(max_length=100)
        respondent = StrictCharField(max_length=200)
        filed_at = serializers.DateTimeField(help_text="ISO 8601 with offset, e.g. 2026-11-24T20:00:00+08:00")
        summary = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)

    @extend_schema(
        request=ComplaintCreateInputSerializer,
        responses={201: ComplaintOutputSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        person_permission_check(request, "complaints.change_complaint")  # supervisors, as in the admin
        data = self.ComplaintCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        integration_platform_check(request, values["platform"])
        _user, label = request_actor(request)
        complaint = complaint_create(**values, actor_label=label or str(request.user))
        return Response(
            ComplaintOutputSerializer(complaint).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": _lookup_url(complaint)},
        )


class ComplaintLookupApi(ApiView):
    """Find a complaint by its platform and number (as people copy it: spaces and dashes ignored)."""

    required_scopes = {"GET": "complaints:read"}

    class InputSerializer(serializers.Serializer):
        platform = PlatformField(queryset=Platform.objects.all())
        number = StrictCharField(max_length=64)

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: ComplaintOutputSerializer, **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        person_permission_check(request, "complaints.view_complaint")
        params = self.InputSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        platform = params.validated_data["platform"]
        integration_platform_check(request, platform)
        complaint = complaint_get_by_number(platform=platform, number=params.validated_data["number"])
        if complaint is None:
            raise NotFound()
        return Response(ComplaintOutputSerializer(complaint).data)

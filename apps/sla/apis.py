"""The public preview endpoint: GET /api/v1/preview."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import ErrorSerializer
from apps.integrations.throttling import FailOpenThrottleMixin, RedisSlidingLogMixin
from apps.sla.selectors import clock_preview, localized

PREVIEW_REACH = timedelta(days=5 * 365)


class PreviewThrottle(FailOpenThrottleMixin, RedisSlidingLogMixin, AnonRateThrottle):
    scope = "preview"


class PreviewApi(APIView):
    """What to expect before submitting: receipt, stage, estimate and deadlines."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PreviewThrottle]

    class InputSerializer(serializers.Serializer):
        platform = serializers.SlugField(help_text="wechat, alipay, douyin or taobao")
        complaint_type = serializers.SlugField(
            help_text="infringement, fraud, account_violation or content_infringement"
        )
        complaint_filed_at = serializers.DateTimeField(help_text="ISO 8601, e.g. 2026-11-24T20:00:00+08:00")
        submitted_at = serializers.DateTimeField(required=False, help_text="ISO 8601; default: now")

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # The working-day calendar and the policy speak of recent years, not of the year 881.
            now = clock.now()
            earliest, latest = now - PREVIEW_REACH, now + PREVIEW_REACH
            message = _("Give a time within %(years)s years of today.") % {"years": PREVIEW_REACH.days // 365}
            errors: dict[str, list[str]] = {
                name: [message]
                for name in ("complaint_filed_at", "submitted_at")
                if name in attrs and not earliest <= attrs[name] <= latest
            }
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    class DocumentSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        received_at = serializers.DateTimeField()
        stage = serializers.CharField()
        stage_ends_at = serializers.DateTimeField(allow_null=True)
        success_estimate = serializers.FloatField(min_value=0, max_value=1)
        first_contact_due_at = serializers.DateTimeField()
        decision_due_at = serializers.DateTimeField()
        complaint_resolution_at = serializers.DateTimeField()
        provisional = serializers.BooleanField()
        withdrawable = serializers.ChoiceField(
            choices=["never", "very_unlikely", "conditional", "restricted"]
        )
        required_documents = serializers.ListField(child=serializers.DictField())
        next_steps = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid input (see extra.fields)."),
            429: OpenApiResponse(
                ErrorSerializer, description="Over the rate limit: wait Retry-After seconds."
            ),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        preview = clock_preview(
            platform_code=data["platform"],
            complaint_type_code=data["complaint_type"],
            complaint_filed_at=data["complaint_filed_at"],
            submitted_at=data.get("submitted_at") or clock.now(),
        )
        tz = ZoneInfo(preview.tz_name)
        result = preview.clock

        def local(moment: datetime | None) -> str | None:
            return None if moment is None else moment.astimezone(tz).isoformat()

        return Response(
            {
                "received_at": local(result.received_at),
                "stage": result.stage.code,
                "stage_ends_at": local(result.stage_ends_at),
                "success_estimate": round(result.success_estimate, 4),
                "first_contact_due_at": local(result.first_contact_due_at),
                "decision_due_at": local(result.decision_due_at),
                "complaint_resolution_at": local(result.complaint_resolution_at),
                "provisional": result.provisional,
                "withdrawable": preview.complaint_type.withdrawability,
                "required_documents": [
                    {"code": doc.code, "name": localized(doc, "name")}
                    for doc in preview.complaint_type.required_documents.all()
                ],
                "next_steps": preview.next_steps,
            }
        )

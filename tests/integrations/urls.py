"""Tiny views that exercise the integration layer the way the /api/v1/ endpoints will."""

import threading

from django.urls import path
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Team
from apps.core.errors import ApplicationError
from apps.integrations.idempotency import IdempotentMixin
from apps.integrations.permissions import HasScope, integration_platform_check, request_actor
from apps.integrations.throttling import ApiKeyRateThrottle
from apps.policy.models import Platform
from config import urls as root

# Set by a test to hold a request inside the view, to send a second one meanwhile.
GATE: dict[str, threading.Event] = {}


class ScopedApi(APIView):
    permission_classes = [HasScope]
    throttle_classes = [ApiKeyRateThrottle]
    required_scopes = {"GET": "tickets:read", "POST": ["tickets:write", "actions:write"]}

    def get(self, request: Request) -> Response:
        user, label = request_actor(request)
        return Response({"user": getattr(user, "username", None), "label": label})

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


class PlatformApi(APIView):
    permission_classes = [HasScope]
    required_scopes = {"GET": "complaints:read"}

    def get(self, request: Request, code: str) -> Response:
        platform = Platform.objects.get(code=code)
        integration_platform_check(request, platform)
        return Response({"platform": platform.code})


class TeamCreateApi(IdempotentMixin, APIView):
    """Creates one row per request: enough to see whether a retry created a second one."""

    permission_classes = [HasScope]
    required_scopes = {"POST": "tickets:write"}
    # JSON, and multipart for the retry-by-file-content test (API views take JSON only by default).
    parser_classes = [JSONParser, MultiPartParser]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=64)
        refuse_after_write = serializers.BooleanField(default=False)
        crash_after_write = serializers.BooleanField(default=False)
        hold = serializers.BooleanField(default=False)
        attachment = serializers.FileField(required=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = Team.objects.create(name=data.validated_data["name"])
        if data.validated_data["hold"]:
            GATE["entered"].set()
            GATE["release"].wait(timeout=10)
        if data.validated_data["refuse_after_write"]:
            raise ApplicationError("Refused after writing.")
        if data.validated_data["crash_after_write"]:
            unavailable = status.HTTP_503_SERVICE_UNAVAILABLE
            return Response({"message": "Server error", "extra": {}}, status=unavailable)
        return Response(
            {"id": team.pk, "name": team.name},
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/teams/{team.pk}", "X-Not-Kept": "1"},
        )


# The tiny views first, then the product's own URLs: a notice's portal link reverses as in production.
urlpatterns = [
    path("scoped", ScopedApi.as_view()),
    path("platforms/<slug:code>", PlatformApi.as_view()),
    path("teams", TeamCreateApi.as_view()),
    path("teams-alias", TeamCreateApi.as_view()),
    *root.urlpatterns,
]

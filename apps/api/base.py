"""What every /api/v1/ view shares: key or session authentication, scopes, the key's rate, errors."""

from collections.abc import Callable
from typing import Any

from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.errors import api_exception_handler
from apps.integrations.idempotency import IdempotentMixin
from apps.integrations.permissions import HasScope
from apps.integrations.throttling import ApiKeyRateThrottle


class ApiView(APIView):
    """A read: HasScope with the view's `required_scopes`, throttled per key."""

    permission_classes = [HasScope]
    throttle_classes = [ApiKeyRateThrottle]
    required_scopes: dict[str, str] = {}

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return api_exception_handler


class ApiWriteView(IdempotentMixin, ApiView):
    """A write: a retry with the same Idempotency-Key gets the first response.

    Bodies are JSON, as every API view parses by default (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES:
    a form field cannot say null or tell a number from a string); the evidence upload, the one
    multipart write, sets its own parsers.
    """

    idempotent_methods = ("post", "patch", "put")

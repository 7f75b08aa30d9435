"""OpenAPI: API keys as security schemes, and the Idempotency-Key header for write operations."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

BEARER_SCHEME = "ApiKeyBearer"
HEADER_SCHEME = "ApiKeyHeader"

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID is a good choice), at most 255 visible ASCII characters. "
        "A retry with the same key within 24 hours gets the first response and changes nothing."
    ),
)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Either header works: `Authorization: Bearer <key>` or `X-Api-Key: <key>`."""

    target_class = "apps.integrations.authentication.ApiKeyAuthentication"
    name = [BEARER_SCHEME, HEADER_SCHEME]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "chk_live_XXXXXXXX_…",
                "description": "An integration's API key, created in the admin.",
            },
            {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        ]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        # Alternatives (OR), not both at once.
        return [{BEARER_SCHEME: []}, {HEADER_SCHEME: []}]

"""OpenAPI helpers: the error answers every operation may give, written once."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from apps.core.api import ErrorSerializer
from apps.integrations.idempotency import KEY_PATTERN
from apps.integrations.schema import IDEMPOTENCY_KEY_PARAMETER as SHARED_IDEMPOTENCY_KEY

ERROR = ErrorSerializer


def errors(*statuses: int) -> dict[int, Any]:
    """The error responses of an operation: those any request may get, plus the given ones.

    Any request may be invalid (a NUL byte in a parameter or header is refused before the view),
    unauthenticated, refused, over the rate or meet the database restarting.
    """
    descriptions = {
        400: "Invalid input (see extra.fields) or a business rule refused it.",
        401: "No API key, or an invalid, revoked or expired one.",
        403: "The key lacks the scope, or the caller may not do this.",
        404: "No such record, or one the caller may not see.",
        409: "The record changed meanwhile, already exists, or the Idempotency-Key is in use.",
        413: "The body is larger than the server takes (2.5 MB of JSON).",
        415: "The body is not JSON (the evidence upload: not multipart/form-data).",
        422: "This Idempotency-Key was used for a different request.",
        429: "Over the rate limit: wait Retry-After seconds.",
        503: "The database is briefly unavailable: retry after Retry-After seconds.",
    }
    chosen = sorted({400, 401, 403, 429, 503, *statuses})
    return {status: OpenApiResponse(ERROR, description=descriptions[status]) for status in chosen}


WRITE_ERRORS = (400, 404, 409, 413, 415, 422)


# The shared parameter, with the format the server enforces, so clients (and fuzzers) know it.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=SHARED_IDEMPOTENCY_KEY.name,
    type={"type": "string", "pattern": KEY_PATTERN.pattern, "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    required=False,
    description=SHARED_IDEMPOTENCY_KEY.description,
)

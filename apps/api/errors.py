"""The API's statuses for business refusals, on top of the one error shape of apps.core.api.

A service refuses with ApplicationError and a code; most codes are a 400, a few say something a
client must handle differently: the record is not there (404), not the caller's to change (403),
or changed meanwhile / already there (409).
"""

from typing import Any

from rest_framework.response import Response

from apps.complaints.services import DUPLICATE_NUMBER
from apps.core.api import exception_handler as core_exception_handler
from apps.core.api import without_nul_characters
from apps.core.errors import ApplicationError

STATUS_BY_CODE = {
    "not_found": 404,
    "forbidden": 403,
    "not_allowed": 403,
    "stale": 409,
    "duplicate": 409,
    DUPLICATE_NUMBER: 409,
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The core handler, with the status a refusal's code calls for and its field under extra.fields."""
    if isinstance(exc, ApplicationError):
        extra = dict(exc.extra)
        field = extra.get("field")
        if isinstance(field, str) and "fields" not in extra:
            extra["fields"] = {field: [exc.message]}
        status = STATUS_BY_CODE.get(str(extra.get("code", "")), 400)
        return Response(without_nul_characters({"message": exc.message, "extra": extra}), status=status)
    return core_exception_handler(exc, context)

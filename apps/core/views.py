"""The answers Django gives for errors outside a view's own handling.

Under /api/ every error answers in the API's shape ({"message", "extra"}); elsewhere with a
branded page in the visitor's language. The pages render without a request context (no context
processors, no session, no database) so they work when the error is the database being down.
"""

import sys
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.api import too_large_message, unavailable_message
from apps.core.errors import DATABASE_RETRY_AFTER_SECONDS, database_unavailable

API_PREFIX = "/api/"
UNESCAPED = {"ensure_ascii": False}  # Chinese messages as they are, as DRF renders them


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def status_message(status: int) -> str:
    """The sentence an error status says to a person, in the active language."""
    messages = {
        400: _("The request is not valid."),
        401: _("Authentication credentials were not provided."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: too_large_message(),
        415: _("Unsupported media type: send the body as JSON (application/json)."),
        429: _("Too many requests: wait Retry-After seconds."),
        500: _("Something went wrong on our side. It has been recorded; try again later."),
        503: unavailable_message(),
    }
    return messages.get(status) or (_("The request is not valid.") if status < 500 else messages[500])


def error_response(
    request: HttpRequest,
    status: int,
    message: str | None = None,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The answer to an error: the API's JSON shape under /api/, else the branded page for `status`."""
    with translation.override(translation.get_language_from_request(request)):
        text = message or status_message(status)
        if is_api_request(request):
            body = {"message": text, "extra": extra or {}}
            response: HttpResponse = JsonResponse(body, status=status, json_dumps_params=UNESCAPED)
        else:
            page = loader.get_template(_template(status)).render({"message": text, "status": status})
            response = HttpResponse(page, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _template(status: int) -> str:
    if status in (403, 404, 503):
        return f"{status}.html"
    return "400.html" if status < 500 else "500.html"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, anything else Django refuses a 400."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, extra={"code": "too_large"})
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, called while the uncaught exception is being handled: a database that cannot be
    reached is a 503 with Retry-After (a restart or failover passes), anything else a 500."""
    if database_unavailable(sys.exc_info()[1]):
        return error_response(
            request,
            503,
            extra={"code": "unavailable"},
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    return error_response(request, 500)

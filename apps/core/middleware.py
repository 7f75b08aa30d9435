"""Request guards and the API's error shape for answers given outside DRF."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from apps.core.views import error_response, is_api_request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Headers an error answer keeps when its body is replaced.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


class ApiErrorShapeMiddleware:
    """Give every error under /api/ the API's shape, whoever answered it.

    DRF views and the error handlers already answer in it; this catches the rest (a middleware's
    own refusal, a response built by hand), so a client never has to parse an HTML page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request) or _is_json_error(response):
            return response
        shaped = error_response(request, response.status_code)
        for name in KEPT_HEADERS:
            if response.has_header(name):
                shaped[name] = response[name]
        return shaped


def _is_json_error(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type != "application/json" and not content_type.endswith("+json"):
        return False
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("message"), str) and "extra" in body


class NulByteGuardMiddleware:
    """Refuse (400) a NUL byte in the path, a query parameter, a form field or a header.

    No value of this site may hold one and PostgreSQL refuses it in a query with an error (a 500)
    rather than "no such row". Path converters and the API's strict fields refuse it where they
    apply; this guards every other door at once. JSON bodies are left to the API's fields.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = nul_byte_refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)


def nul_byte_refusal(request: HttpRequest) -> HttpResponse | None:
    """A 400 naming where a NUL byte was found, or None when there is none."""
    if "\x00" in request.path_info:
        return error_response(request, 400, _("The address contains a NUL character (\\0)."))
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            header = name[5:].replace("_", "-").title()
            return error_response(
                request, 400, _("The header “%(name)s” contains a NUL character (\\0).") % {"name": header}
            )
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES and not is_api_request(request):
        # DRF parses API bodies itself (the upload's fields are refused by its serializer).
        sources.append(request.POST)
    for source in sources:
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\0")
                message = _("“%(name)s” contains a NUL character (\\0), which no value here may contain.") % {
                    "name": shown
                }
                return error_response(request, 400, message, extra={"fields": {shown: [message]}})
    return None

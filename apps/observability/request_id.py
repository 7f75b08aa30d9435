"""The request id: one per HTTP request, on every log line it causes and in its answer's headers.

An id sent by the client or a proxy in `X-Request-ID` is kept when it looks like an id (letters,
digits and `._:-`, at most 128 characters), so a trace runs through from the edge; anything else
is replaced by a fresh UUID, so a header can never smuggle text into the logs.
"""

import re
import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_META = "HTTP_X_REQUEST_ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_from(value: str | None) -> str:
    """The id to use for a request carrying `value` in X-Request-ID: it, when valid, else a new one."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Decide the request id, bind it for logging, and return it in X-Request-ID.

    Outermost, so every answer carries it, errors included. django-structlog's middleware (next
    in MIDDLEWARE, trusting the upstream id) reads the decided value back from the header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get(REQUEST_ID_META))
        request.META[REQUEST_ID_META] = request_id
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response[REQUEST_ID_HEADER] = request_id
        return response

"""One error shape for every API failure: {"message": str, "extra": {...}}."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from apps.core.errors import DATABASE_RETRY_AFTER_SECONDS, ApplicationError, database_unavailable
from apps.core.fields import StrictCharField

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class ErrorSerializer(serializers.Serializer):
    """Every failure: a sentence for a person, and details (per-field messages under extra.fields)."""

    message = StrictCharField()
    extra = serializers.DictField()


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"


def too_large_message() -> str:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("The request body is too large: send at most %(size)s MB.") % {"size": f"{megabytes:g}"}


def unavailable_message() -> str:
    return _("The service is briefly unavailable. Try again in %(seconds)s seconds.") % {
        "seconds": DATABASE_RETRY_AFTER_SECONDS
    }


def _accepted_media_types(context: dict[str, Any]) -> list[str]:
    view = context.get("view")
    parsers = getattr(view, "parser_classes", None) or []
    return [parser.media_type for parser in parsers]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as {"message", "extra"}; field errors go under extra.fields."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(too_large_message())
    if database_unavailable(exc):
        set_rollback()
        return Response(
            {"message": unavailable_message(), "extra": {"code": "unavailable"}},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "extra": exc.extra}, status=400)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("Check the highlighted fields."), "extra": {"fields": response.data}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        extra: dict[str, Any] = {}
        if isinstance(exc, exceptions.UnsupportedMediaType):
            extra["accepted_media_types"] = _accepted_media_types(context)
        response.data = {"message": str(detail), "extra": extra}
    response.data = without_nul_characters(response.data)
    return response


def without_nul_characters(value: Any) -> Any:
    """`value` with each NUL shown as \\0 and each lone surrogate as U+FFFD.

    DRF's messages quote the input back ("Object with code=we\\0chat does not exist."): a NUL
    cannot be stored as jsonb (the answer kept for an Idempotency-Key), a lone surrogate (JSON
    "\\ud800") cannot be encoded as UTF-8 by the renderer.
    """
    if isinstance(value, str):
        if "\x00" in value or LONE_SURROGATE.search(value):
            return LONE_SURROGATE.sub("\ufffd", value.replace("\x00", "\\0"))
        return value
    if isinstance(value, dict):
        return {without_nul_characters(key): without_nul_characters(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul_characters(item) for item in value]
    return value

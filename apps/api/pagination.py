"""Cursor pages over tickets: newest first by id (the primary key's index), stable under inserts."""

import re
from typing import Any

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from apps.core.fields import StrictURLField

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGE_SIZE_FORMAT = re.compile(r"^[0-9]{1,4}$")
ID_FORMAT = re.compile(r"^[0-9]{1,18}$")  # a bigint

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` or `previous` link's cursor."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"1 to {MAX_PAGE_SIZE}; default {PAGE_SIZE}.",
    ),
]


class TicketCursorPagination(CursorPagination):
    """Pages of `page_size` rows (1 to MAX_PAGE_SIZE); a bad page_size or cursor is a 400 saying so.

    DRF's own would answer 50 rows for page_size=0, -1 or "abc" (and repeat the bad value in
    `next`), and 404 for a cursor it cannot read.
    """

    # The id only: unique and never changing, so a page boundary never skips or repeats a row.
    ordering = "-id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not PAGE_SIZE_FORMAT.match(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            message = gettext("page_size must be a whole number from 1 to %(max)s (default %(default)s).") % {
                "max": MAX_PAGE_SIZE,
                "default": PAGE_SIZE,
            }
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's cursor, refused unless it reads and its position is an id."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
            valid = False
        else:
            valid = cursor is None or cursor.position is None or bool(ID_FORMAT.match(str(cursor.position)))
        if not valid:
            message = gettext("This cursor is not valid: use a page's `next` or `previous` link as it is.")
            raise ValidationError({self.cursor_query_param: [message]})
        return cursor


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A page's shape: links to the next and previous pages, and the results."""
    attrs: dict[str, Any] = {
        "next": StrictURLField(allow_null=True),
        "previous": StrictURLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), attrs)

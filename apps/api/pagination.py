"""Cursor pages over tickets: newest first by id (the primary key's index), stable under inserts."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` or `previous` link's cursor."),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, description=f"1 to {MAX_PAGE_SIZE}; default {PAGE_SIZE}."
    ),
]


class TicketCursorPagination(CursorPagination):
    # The id only: unique and never changing, so a page boundary never skips or repeats a row.
    ordering = "-id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's cursor, refused (404, like DRF's own refusal) when its position is not an id."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not str(cursor.position).isdigit():
            raise NotFound(self.invalid_cursor_message)
        return cursor


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A page's shape: links to the next and previous pages, and the results."""
    attrs: dict[str, Any] = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), attrs)

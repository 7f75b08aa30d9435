"""The API's JSON parser: DRF's, with a depth limit.

Kept apart from apps.core.api: DRF reads DEFAULT_PARSER_CLASSES while rest_framework.views loads,
so this module must not import it.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Deeper than any body this API takes by far, and far from the recursion limit of Python's parser.
MAX_JSON_DEPTH = 32


def too_deep_message() -> str:
    return _("The JSON body is nested too deep: at most %(depth)s levels of objects and lists.") % {
        "depth": MAX_JSON_DEPTH
    }


def json_nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and lists in `value` nest more than `limit` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400) a body nested deeper than MAX_JSON_DEPTH.

    Python's parser recurses once per level, so a body of a thousand "[" would end in a
    RecursionError (a 500) long before any serializer sees it.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(too_deep_message(), code="too_deep") from None
        if isinstance(data, dict | list) and json_nested_deeper_than(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(too_deep_message(), code="too_deep")
        return data

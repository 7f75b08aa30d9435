"""A policy row named by its code in a request (other fields: the strict ones of apps.core.fields)."""

import re
from typing import Any

from rest_framework import serializers

from apps.core.fields import StrictMixin
from apps.integrations.permissions import api_key_of

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


class CodeField(StrictMixin, serializers.SlugRelatedField):
    """A SlugRelatedField on `code`: a JSON string (the strict fields' checks, NUL included) that
    looks like a code, before the database is asked (PostgreSQL refuses a NUL byte in a query with
    an error, not with "no such row")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        # Another type, or a NUL, is the strict mixin's to refuse (next in line, with its message).
        if isinstance(data, str) and "\x00" not in data and not CODE.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:40])
        return super().to_internal_value(data)


class PlatformField(CodeField):
    """A platform by code. For an API key, from the platforms read along with the key (one query
    less per write); a code not among them is looked up, so the answer stays the same: unknown,
    or (later) not this integration's."""

    def to_internal_value(self, data: Any) -> Any:
        request = self.context.get("request")
        key = api_key_of(request) if request is not None else None
        known = key.integration.known_platform(data) if key is not None and isinstance(data, str) else None
        return known if known is not None else super().to_internal_value(data)

"""A policy row named by its code in a request."""

import re
from typing import Any

from rest_framework import serializers

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


class CodeField(serializers.SlugRelatedField):
    """A SlugRelatedField on `code` that refuses what no code looks like before asking the database
    (PostgreSQL refuses a NUL byte in a query with an error, not with "no such row")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not CODE.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:40])
        return super().to_internal_value(data)

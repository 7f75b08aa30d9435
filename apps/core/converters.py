"""Path converters that refuse, at the URL, what cannot name a record.

A `<str:...>` segment takes any character but "/", a NUL byte included, which PostgreSQL refuses
with an error (a 500) instead of "no such row". Each converter's regex is the record's own format,
so a path that cannot name a record is a 404 before any query, and the OpenAPI schema shows the
pattern to clients (drf-spectacular reads a registered converter's regex).
"""

import re

from django.urls import register_converter

# apps.tickets.models.new_ticket_reference: CH-7KQ2-MX9A, from an alphabet with no 0/O or 1/I.
REFERENCE_CHARS = "[2-9A-HJ-NP-Z]"
REFERENCE_PATTERN = f"CH-{REFERENCE_CHARS}{{4}}-{REFERENCE_CHARS}{{4}}"
CODE_PATTERN = "[-a-zA-Z0-9_]{1,40}"  # a policy code, a chart's key, an action's name
ID_MAX_DIGITS = 18  # a bigint


class ReferenceConverter:
    """A ticket's reference."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter(ReferenceConverter):
    """A short code: letters, digits, "-" and "_"."""

    regex = CODE_PATTERN


class IdConverter:
    """A row's numeric id, no longer than a bigint's digits."""

    regex = f"[0-9]{{1,{ID_MAX_DIGITS}}}"  # Django matches path converters with ASCII digits

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


ID_FORMAT = re.compile(f"[0-9]{{1,{ID_MAX_DIGITS}}}", re.ASCII)


def id_from_text(value: object) -> int | None:
    """Read a row id or a count typed in a query string or a form, or None when it cannot be one.

    ASCII digits only (str.isdigit also takes "²" and other scripts' digits, which int() refuses)
    and no longer than a bigint's, so no value read here overflows a column in a query.
    """
    return int(value) if isinstance(value, str) and ID_FORMAT.fullmatch(value) else None


# Registered once, on first import: every urls.py using them imports this module first.
register_converter(ReferenceConverter, "reference")
register_converter(CodeConverter, "code")
register_converter(IdConverter, "id")

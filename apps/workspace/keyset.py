"""Keyset pages over a few ordered columns, nulls last either way, with cursors nobody can forge.

A page continues strictly after the last row of the one before it, by the same columns, so it
costs the same wherever in the list it is and nothing is skipped or repeated when rows arrive
meanwhile. A cursor is base64 of JSON; one that does not read back as what this module wrote is
treated as no cursor at all (the first page), never as an error.
"""

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.db.models.expressions import OrderBy

MAX_BIGINT = 2**63
MAX_CURSOR_LENGTH = 2000


@dataclass(frozen=True)
class Column:
    """An ordering column: a model field holding a time or an integer id."""

    field: str
    descending: bool = False
    is_time: bool = False


def ordering(columns: Sequence[Column]) -> list[OrderBy]:
    return [
        F(c.field).desc(nulls_last=True) if c.descending else F(c.field).asc(nulls_last=True) for c in columns
    ]


def _past(column: Column, value: Any) -> Q:
    """Rows whose `column` comes after `value` in its order (nulls come after every value)."""
    if value is None:
        return Q(pk__in=[])  # nothing sorts after a null
    direction = "lt" if column.descending else "gt"
    return Q(**{f"{column.field}__{direction}": value}) | Q(**{f"{column.field}__isnull": True})


def _equal(column: Column, value: Any) -> Q:
    return Q(**{f"{column.field}__isnull": True}) if value is None else Q(**{column.field: value})


def after(columns: Sequence[Column], values: Sequence[Any]) -> Q:
    """The rows strictly after the row with these `values`, in the order of `columns`."""
    condition = Q(pk__in=[])
    for index, column in enumerate(columns):
        step = _past(column, values[index])
        for previous, value in zip(columns[:index], values[:index], strict=True):
            step &= _equal(previous, value)
        condition |= step
    return condition


def position(columns: Sequence[Column], row: object) -> list[Any]:
    return [getattr(row, column.field) for column in columns]


def _dump(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _load(column: Column, raw: Any) -> Any:
    """A value as written by `encode`, or raise ValueError."""
    if raw is None:
        return None
    if column.is_time:
        moment = datetime.fromisoformat(str(raw))
        if moment.utcoffset() is None:  # every time written here is aware
            raise ValueError("naive time")
        return moment
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < MAX_BIGINT:
        raise ValueError("not an id")
    return raw


def encode(state: dict[str, Any]) -> str:
    """A cursor holding positions: {name: [values]}; values are times or ids."""
    plain = {name: [_dump(value) for value in values] for name, values in state.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, layouts: Mapping[str, Sequence[Column]]) -> dict[str, list[Any]] | None:
    """The positions of a cursor `encode` wrote for these layouts, or None (the first page)."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, dict):
            return None
        state: dict[str, list[Any]] = {}
        for name, values in raw.items():
            columns = layouts.get(name)
            if columns is None or not isinstance(values, list) or len(values) != len(columns):
                return None
            state[name] = [_load(column, value) for column, value in zip(columns, values, strict=True)]
    except (ValueError, TypeError, OverflowError):
        return None
    return state

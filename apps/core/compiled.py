"""Hot reads whose SQL the ORM compiles once per process, then runs again with other values.

Composing a small query (a ticket's few columns by its id, under a lock) costs the ORM more than
PostgreSQL takes to answer it: on the API's hottest paths, a millisecond or two a request. Here a
query is compiled at its first run, its SQL kept by a key, and later runs send that SQL with the
new values as `Model.objects.raw` does, giving the same model instances (the other columns
still load on first use). The SQL is the ORM's own, compiled for the database in use, so it stays
portable. It is kept only when the compiled parameters are exactly the values given, in their
order (no value converted, none added or dropped); any other query runs through the ORM each time.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# key → (the database alias, the SQL; None when the query cannot be kept)
_SQL: dict[tuple[Any, ...], tuple[str, str | None]] = {}


def compiled_rows(
    model: type[M], key: tuple[Any, ...], build: Callable[..., QuerySet[M]], values: Sequence[object]
) -> list[M]:
    """The rows of `build(*values)`, its SQL compiled once per `key` per process.

    `key` must name everything that shapes the SQL besides the values (the columns, how many
    values an IN list has); `values` are the query's parameters in the order of its SQL.
    """
    full_key = (model._meta.label, *key)
    kept = _SQL.get(full_key)
    if kept is None:
        queryset = build(*values)
        compiled, params = queryset.query.sql_with_params()
        kept = _SQL[full_key] = (queryset.db, compiled if list(params) == list(values) else None)
    alias, sql = kept
    if sql is None:
        return list(build(*values))
    return list(model._default_manager.db_manager(alias).raw(sql, list(values)))

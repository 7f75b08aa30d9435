"""A new row and the rows that name it, in one statement where the database allows it.

A ticket is born with its first events: two INSERTs in a transaction cost four round trips
(BEGIN, INSERT, INSERT, COMMIT). On PostgreSQL a data-modifying WITH inserts both in one
statement, atomic on its own, so no transaction is needed around it. The SQL is composed by
the ORM's insert compiler (each field's `pre_save` and conversion run as in `save()`), only
joined here. Other databases get the two INSERTs in a transaction. A message and the event that
records it go in the same way: the event names the message in its data.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Field, ForeignKey, JSONField, Model
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler


def insert_with_children(parent: Model, children: Sequence[Model], *, link: str, using: str) -> None:
    """Insert the new `parent` and `children`, whose ForeignKey `link` points at it; set every id."""
    model = type(parent)
    fk = children[0]._meta.get_field(link) if children else None
    if fk is not None and not (isinstance(fk, ForeignKey) and fk.related_model is model):
        raise TypeError(f"{link!r} is not a ForeignKey to {model.__name__}")
    if fk is None or connections[using].vendor != "postgresql":
        with transaction.atomic(using=using, savepoint=False):
            parent.save(force_insert=True, using=using)
            for child in children:
                setattr(child, link, parent)
            if children:
                type(children[0])._default_manager.db_manager(using).bulk_create(children)
        return
    _run(parent, children, _Link(fk), using)


def insert_with_mention(parent: Model, child: Model, *, field: str, key: str, using: str) -> None:
    """Insert the new `parent` and `child`, whose JSON `field` names the parent's id under `key`.

    For a record of a row's creation (a ticket event saying which message it is about), where the
    two are tied by the record's data rather than by a column.
    """
    json_field = child._meta.get_field(field)
    if not isinstance(json_field, JSONField) or not re.fullmatch(r"[a-z_]+", key):
        raise TypeError(f"{field!r} is not a JSON field, or {key!r} is not a plain key")
    if connections[using].vendor != "postgresql":
        with transaction.atomic(using=using, savepoint=False):
            parent.save(force_insert=True, using=using)
            getattr(child, field)[key] = parent.pk
            child.save(force_insert=True, using=using)
        return
    _run(parent, [child], _Link(json_field, key), using)
    getattr(child, field)[key] = parent.pk


@dataclass(frozen=True)
class _Link:
    """How a child names its parent: by a ForeignKey column, or under a key of a JSON column."""

    field: Field
    json_key: str | None = None


def _run(parent: Model, children: Sequence[Model], link: _Link, using: str) -> None:
    sql, params = _statement(parent, children, link, using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if len(returned) != len(children):  # pragma: no cover (the statement inserts every row or none)
        raise AssertionError("the insert returned another number of rows than it was given")
    parent.pk = returned[0][0]
    _saved(parent, using)
    for child, (parent_id, child_id) in zip(children, returned, strict=True):
        if link.json_key is None:
            setattr(child, link.field.attname, parent_id)
        child.pk = child_id
        _saved(child, using)


def _insert_fields(model: type[Model], *, leave_out: Field | None = None) -> list[Field]:
    """The columns `save()` would write for a new row: not its auto id, nor a generated column."""
    meta = model._meta
    return [
        field for field in meta.local_concrete_fields
        if field is not meta.auto_field and not field.generated and field is not leave_out
    ]


def _statement(parent: Model, children: Sequence[Model], link: _Link, using: str) -> tuple[str, list]:
    connection = connections[using]
    quote = connection.ops.quote_name
    model, child_model = type(parent), type(children[0])
    if model._meta.auto_field is None or child_model._meta.auto_field is None:
        raise TypeError("both models need an automatic primary key")
    column = lambda field: quote(str(field.column))  # noqa: E731
    parent_id = f"parent.{column(model._meta.pk)}"

    parent_query = InsertQuery(model)
    parent_query.insert_values(_insert_fields(model), [parent], raw=False)
    parent_compiler = parent_query.get_compiler(using=using)
    parent_compiler.returning_fields = [model._meta.pk]
    ((parent_sql, parent_params),) = parent_compiler.as_sql()

    by_column = link.json_key is None
    fields = _insert_fields(child_model, leave_out=link.field if by_column else None)
    child_query = InsertQuery(child_model)
    child_query.insert_values(fields, list(children), raw=False)
    child_compiler = child_query.get_compiler(using=using)
    value_rows = [
        [child_compiler.prepare_value(field, child_compiler.pre_save_val(field, child)) for field in fields]
        for child in children
    ]
    # The generic rows of placeholders (PostgreSQL's own compiler turns them into UNNEST arrays).
    placeholder_rows, param_rows = SQLInsertCompiler.assemble_as_sql(child_compiler, fields, value_rows)
    # Outside an INSERT's own VALUES PostgreSQL cannot tell a value's type from its column: cast each.
    rows = ", ".join(
        "(" + ", ".join([str(number), *(
            f"CAST({placeholder} AS {field.cast_db_type(connection)})"
            for placeholder, field in zip(placeholders, fields, strict=True)
        )]) + ")"
        for number, placeholders in enumerate(placeholder_rows)
    )
    names = [f"c{index}" for index in range(len(fields))]
    mention = f"'{{{link.json_key}}}'"  # the path of the key, as a text[] literal
    selected = [
        f"jsonb_set(v.{name}, {mention}, to_jsonb({parent_id}))" if field is link.field else f"v.{name}"
        for name, field in zip(names, fields, strict=True)
    ]
    columns = [column(field) for field in fields]
    if by_column:
        columns.insert(0, column(link.field))
        selected.insert(0, parent_id)
    # Only names from the models' meta, a checked key and the compiler's placeholders: every value
    # is a parameter.
    sql = (
        f"WITH parent AS ({parent_sql}) "  # noqa: S608
        f"INSERT INTO {quote(child_model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} "
        f"FROM parent, (VALUES {rows}) AS v(n, {', '.join(names)}) ORDER BY v.n "
        f"RETURNING (SELECT {parent_id} FROM parent), {column(child_model._meta.pk)}"
    )
    return sql, [*parent_params, *(param for row in param_rows for param in row)]


def _saved(instance: Model, using: str) -> None:
    instance._state.adding = False
    instance._state.db = using

"""Data migrations that encrypt existing plaintext columns in place, and decrypt them back.

Used between a migration that makes the columns plain text (and adds the hash columns) and one
that declares them encrypted, so the historical model reads and writes the raw column here.
Set-based in batches: one SELECT and one UPDATE (bulk_update's CASE) per `batch_size` rows.
"""

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from apps.core.crypto.hashing import keyed_hash
from apps.core.crypto.keyring import field_decrypt, field_encrypt, is_encrypted

MIGRATION_BATCH_SIZE = 1000
_INET_PREFIX = re.compile(r"/\d{1,3}$")  # PostgreSQL's inet::text adds /32 or /128


def _plain(value: Any) -> Any:
    if isinstance(value, str) and is_encrypted(value):
        return field_decrypt(value)
    if isinstance(value, str) and _INET_PREFIX.search(value):
        try:
            return str(ipaddress.ip_interface(value).ip)
        except ValueError:
            return value
    return value


def _batches(model: Any, columns: list[str], batch_size: int) -> Any:
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def columns_encrypt(
    model: Any, *, columns: list[str], hashes: dict[str, tuple[str, str]],
    batch_size: int = MIGRATION_BATCH_SIZE,
) -> int:
    """Encrypt `columns` of every row and fill `hashes` ({hash column: (source column, purpose)})."""
    done = 0
    for rows in _batches(model, columns, batch_size):
        changed = []
        for pk, *values in rows:
            plain = {column: _plain(value) for column, value in zip(columns, values, strict=True)}
            row = model(pk=pk)
            for column, value in plain.items():
                setattr(row, column, field_encrypt(str(value)) if value not in (None, "") else value)
            for hash_column, (source, purpose) in hashes.items():
                value = plain[source]
                hashed = keyed_hash(purpose, str(value)) if value not in (None, "") else None
                setattr(row, hash_column, hashed)
            changed.append(row)
        model.objects.bulk_update(changed, [*columns, *hashes], batch_size=batch_size)
        done += len(changed)
    return done


def columns_decrypt(
    model: Any, *, columns: list[str], hashes: list[str], batch_size: int = MIGRATION_BATCH_SIZE,
) -> int:
    """Undo `columns_encrypt`: the plaintext back in `columns`, the hash columns emptied."""
    done = 0
    for rows in _batches(model, columns, batch_size):
        changed = []
        for pk, *values in rows:
            row = model(pk=pk)
            for column, value in zip(columns, values, strict=True):
                setattr(row, column, _plain(value))
            for hash_column in hashes:
                setattr(row, hash_column, None)
            changed.append(row)
        model.objects.bulk_update(changed, [*columns, *hashes], batch_size=batch_size)
        done += len(changed)
    return done


def encrypt_operation(app_label: str, plan: dict[str, dict[str, Any]]) -> tuple[Callable, Callable]:
    """RunPython's forward and backward functions for `plan`: {model: {"columns": [...], "hashes": {...}}}."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for model_name, spec in plan.items():
            model = apps.get_model(app_label, model_name)
            columns_encrypt(model, columns=spec["columns"], hashes=spec.get("hashes", {}))

    def backward(apps: Any, schema_editor: Any) -> None:
        for model_name, spec in plan.items():
            model = apps.get_model(app_label, model_name)
            columns_decrypt(model, columns=spec["columns"], hashes=list(spec.get("hashes", {})))

    return forward, backward

"""Key rotation: re-encrypt every encrypted column under the first key; recompute every keyed hash.

Each batch locks its rows (SELECT … FOR UPDATE), so a value changed meanwhile is not overwritten
by its older plaintext. Only the rows whose ciphertext names another key are read for
re-encryption (their prefix says so); a rehash has to read every row, as a hash does not say
which key made it, and needs no old hash key: it hashes the decrypted value.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Left

from apps.core.crypto.fields import EncryptedTextField, KeyedHashField, hash_fields_of
from apps.core.crypto.keyring import keyring_get

ROTATION_BATCH_SIZE = 500


def _label(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def _concrete_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and model._meta.managed:
            yield model


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted column of every installed model."""
    return [
        (model, field)
        for model in _concrete_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def _batches(queryset: models.QuerySet, names: list[str], batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    """Lock and read `names` of the next `batch_size` rows, in one transaction per batch."""
    last: Any = None
    while True:
        with transaction.atomic():
            page = queryset if last is None else queryset.filter(pk__gt=last)
            rows = list(page.select_for_update().order_by("pk").values_list("pk", *names)[:batch_size])
            if not rows:
                return
            yield rows
        last = rows[-1][0]


def field_keys_rotate(*, batch_size: int = ROTATION_BATCH_SIZE) -> Counter[str]:
    """Re-encrypt, under the first key, every value encrypted under another; count them per column."""
    prefix = keyring_get().primary_prefix()
    counts: Counter[str] = Counter()
    for model, field in encrypted_fields():
        counts[_label(model, field)] += 0
        stale = (
            model._base_manager.annotate(
                key_prefix=Left(field.attname, len(prefix), output_field=models.TextField())
            )
            .filter(key_prefix__isnull=False)
            .exclude(key_prefix="")
            .exclude(key_prefix=prefix)
        )
        for rows in _batches(stale, [field.attname], batch_size):
            # Read decrypted (any known key), written encrypted under the first key by bulk_update.
            model._base_manager.bulk_update(
                [model(pk=pk, **{field.attname: value}) for pk, value in rows], [field.attname]
            )
            counts[_label(model, field)] += len(rows)
    return counts


def field_hashes_recompute(*, batch_size: int = ROTATION_BATCH_SIZE) -> Counter[str]:
    """Recompute every keyed hash under the current CHEHUI_HASH_KEY from its decrypted source."""
    counts: Counter[str] = Counter()
    for model in _concrete_models():
        hashes: list[KeyedHashField] = hash_fields_of(model)
        if not hashes:
            continue
        sources = sorted({f.source_attname(model) for f in hashes})
        for rows in _batches(model._base_manager.all(), sources, batch_size):
            changed = []
            for pk, *values in rows:
                plain = dict(zip(sources, values, strict=True))
                row = model(pk=pk)
                for field in hashes:
                    setattr(row, field.attname, field.hash_of(plain[field.source_attname(model)]))
                changed.append(row)
            model._base_manager.bulk_update(changed, [f.attname for f in hashes])
            for field in hashes:
                counts[_label(model, field)] += len(rows)
    return counts

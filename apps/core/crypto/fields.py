"""Model fields for personal data at rest: `EncryptedTextField` and `KeyedHashField`.

An encrypted column can be read and written like text but not searched: its ciphertext differs
on every write, so `filter(phone=...)` could never match and would silently find nothing. Such a
lookup raises `EncryptedFieldLookupError` instead, naming the hash field to use. Only `isnull`
(and `field=None`, which Django turns into it) is allowed: NULL stays NULL.
"""

from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from apps.core.crypto.hashing import NORMALISERS, keyed_hash
from apps.core.crypto.keyring import field_decrypt, field_encrypt

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedFieldLookupError(FieldError):
    """A filter, exclude or search on an encrypted column, which cannot match anything."""


class EncryptedTextField(models.TextField):
    """Text stored encrypted under the field keyring; decrypted on read; never used in lookups."""

    description = "Text encrypted at rest"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return field_encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return field_decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in ALLOWED_LOOKUPS:
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":  # `field=None` is Django's spelling of `field__isnull=True`
            return _none_only_exact(self, lookup_name)
        raise self.lookup_error(lookup_name)

    def lookup_error(self, lookup_name: str) -> EncryptedFieldLookupError:
        model = getattr(self, "model", None)
        owner = f"{model.__name__}.{self.name}" if model is not None else "This field"
        hashes = [f.name for f in hash_fields_of(model) if f.source == self.name] if model else []
        hint = f" Filter on {' or '.join(hashes)} (a keyed hash) instead." if hashes else ""
        return EncryptedFieldLookupError(
            f"{owner} is encrypted at rest and cannot be used in a lookup (“{lookup_name}”): "
            f"its ciphertext never equals the value.{hint}"
        )

    def formfield(self, **kwargs: Any) -> Any:
        # One line of text (a number, an address), not a textarea.
        return super().formfield(**{"form_class": forms.CharField, "widget": forms.TextInput, **kwargs})


def _none_only_exact(field: EncryptedTextField, lookup_name: str) -> type[Exact]:
    class NoneOnlyExact(Exact):
        """Exists only so Django can turn `field=None` into `isnull`; any other value is refused."""

        def __init__(self, lhs: Any, rhs: Any) -> None:
            if rhs is not None:
                raise field.lookup_error(lookup_name)
            super().__init__(lhs, rhs)

    return NoneOnlyExact


class KeyedHashField(models.CharField):
    """The keyed hash of another field's value (`source`), normalised for `purpose`; set on save.

    Saved by `save()` and `bulk_create()` (they call `pre_save`); `HashedFieldsMixin` adds it to
    `update_fields` when its source is there; `HashedFieldsQuerySet` to `update()` and
    `bulk_update()` (the model's default manager must use it).
    """

    description = "Keyed hash of another field, for lookups"

    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        if purpose not in NORMALISERS:
            raise ValueError(f"Unknown hash purpose {purpose!r}; known: {', '.join(NORMALISERS)}")
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def hash_of(self, value: Any) -> str | None:
        return keyed_hash(self.purpose, str(value)) if value not in (None, "") else None

    def source_attname(self, model: type[models.Model]) -> str:
        source = model._meta.get_field(self.source)
        if not isinstance(source, models.Field):
            raise TypeError(f"KeyedHashField source {self.source!r} is not a column")
        return source.attname

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        source = self.source_attname(type(model_instance))
        if source not in model_instance.__dict__:  # deferred: do not load it just to hash it
            return model_instance.__dict__.get(self.attname)
        value = self.hash_of(getattr(model_instance, source))
        setattr(model_instance, self.attname, value)
        return value


def hash_fields_of(model: type[models.Model]) -> list[KeyedHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)]


class HashedFieldsMixin(models.Model):
    """Save a keyed hash whenever its source field is saved, `update_fields` or not."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = set(update_fields)
            names |= {f.name for f in hash_fields_of(type(self)) if f.source in names}
            kwargs["update_fields"] = names
        super().save(*args, **kwargs)


class HashedFieldsQuerySet(models.QuerySet):
    """`update()` and `bulk_update()` that keep each keyed hash in step with its source."""

    def update(self, **kwargs: Any) -> int:
        for field in hash_fields_of(self.model):
            if field.source in kwargs and field.name not in kwargs:
                value = kwargs[field.source]
                if hasattr(value, "resolve_expression"):
                    raise ValueError(
                        f"{self.model.__name__}.{field.source} cannot be updated from an expression: its "
                        f"hash {field.name} has to follow it. Save the rows one by one instead."
                    )
                kwargs[field.name] = field.hash_of(value)
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs, names = list(objs), list(fields)
        for field in hash_fields_of(self.model):
            if field.source in names and field.name not in names:
                source = field.source_attname(self.model)
                for obj in objs:
                    setattr(obj, field.attname, field.hash_of(getattr(obj, source)))
                names.append(field.name)
        return super().bulk_update(objs, names, batch_size=batch_size)

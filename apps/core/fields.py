"""Serializer fields that take JSON types as they are: a string is a string, a number a number.

DRF's fields coerce: a CharField turns 0 into "0", a ChoiceField takes 1 for the choice "1", a
BooleanField takes "true", 1 or "on", an IntegerField takes "12". A client sending the wrong type
has a bug it should hear about, so these refuse it with a message naming the field, the type it
wants and the type it got. Every API serializer uses them (tests/api/test_strict_types.py walks
them all); `StrictModelSerializer` maps model fields onto them.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
WRONG_TYPE = gettext_lazy("“{field}” must be {expected}, not {received}.")
NUL_CHARACTER = gettext_lazy("“{field}” contains a NUL character (\\0), which no text here may contain.")


def json_type_name(value: Any) -> str:
    """How a person names the JSON type of a parsed value ("a number", "null"), translated."""
    if value is None:
        return gettext("null")
    if isinstance(value, bool):
        return gettext("a boolean")
    if isinstance(value, int | float):
        return gettext("a number")
    if isinstance(value, str):
        return gettext("a string")
    if isinstance(value, list | tuple):
        return gettext("a list")
    if isinstance(value, dict):
        return gettext("an object")
    return gettext("a value of another type")


class StrictMixin(serializers.Field):
    """Refuse a value whose JSON type is not `accepts`, before the field's own conversion."""

    default_error_messages = {"wrong_type": WRONG_TYPE, "null_character": NUL_CHARACTER}

    def expected_type(self) -> str:
        return gettext("a string")

    def accepts(self, data: Any) -> bool:
        return isinstance(data, str)

    def to_internal_value(self, data: Any) -> Any:
        if not self.accepts(data):
            received = json_type_name(data)
            self.fail("wrong_type", field=self.field_name, expected=self.expected_type(), received=received)
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_character", field=self.field_name)
        return super().to_internal_value(data)


class StrictCharField(StrictMixin, serializers.CharField):
    """Text: a JSON string only, never a NUL byte; trimmed unless `trim_whitespace=False`."""


class StrictSlugField(StrictMixin, serializers.SlugField):
    """A code: a JSON string of letters, digits, "-" and "_"."""


class StrictEmailField(StrictMixin, serializers.EmailField):
    """An e-mail address, as a JSON string."""


class StrictURLField(StrictMixin, serializers.URLField):
    """A URL, as a JSON string."""


class StrictChoiceField(StrictMixin, serializers.ChoiceField):
    """One of the choices, of the choices' own JSON type (a string for text choices)."""

    def accepts(self, data: Any) -> bool:
        if all(isinstance(choice, str) for choice in self.choices):
            return isinstance(data, str)
        return not isinstance(data, bool) and isinstance(data, str | int)

    def expected_type(self) -> str:
        if all(isinstance(choice, str) for choice in self.choices):
            return gettext("a string")
        return gettext("a string or a number")


class StrictBooleanField(StrictMixin, serializers.BooleanField):
    """JSON true or false; not "true", 1 or "on"."""

    def accepts(self, data: Any) -> bool:
        return isinstance(data, bool)

    def expected_type(self) -> str:
        return gettext("a boolean (true or false)")


class StrictIntegerField(StrictMixin, serializers.IntegerField):
    """A JSON whole number; not "12", 12.0 or true; within a bigint unless narrowed (a larger one
    would reach PostgreSQL as an error, not as "no such row")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", BIGINT_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def accepts(self, data: Any) -> bool:
        return isinstance(data, int) and not isinstance(data, bool)

    def expected_type(self) -> str:
        return gettext("a whole number")


class StrictFloatField(StrictMixin, serializers.FloatField):
    """A JSON number; not "0.5" or true."""

    def accepts(self, data: Any) -> bool:
        return isinstance(data, int | float) and not isinstance(data, bool)

    def expected_type(self) -> str:
        return gettext("a number")


# The DRF fields a strict one replaces; tests assert no API serializer keeps one of these plain.
STRICT_REPLACEMENTS: dict[type[serializers.Field], type[serializers.Field]] = {
    serializers.CharField: StrictCharField,
    serializers.SlugField: StrictSlugField,
    serializers.EmailField: StrictEmailField,
    serializers.URLField: StrictURLField,
    serializers.ChoiceField: StrictChoiceField,
    serializers.BooleanField: StrictBooleanField,
    serializers.IntegerField: StrictIntegerField,
    serializers.FloatField: StrictFloatField,
}


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose text, number, boolean and choice fields are the strict ones."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.EmailField: StrictEmailField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.FloatField: StrictFloatField,
    }
    serializer_choice_field = StrictChoiceField

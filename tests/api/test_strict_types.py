"""JSON types are taken as they are: a number is never a string, "true" never a boolean.

One mechanism, the strict fields of apps.core.fields, used by every serializer of the API: the
first tests walk them all; the others send wrong types to real endpoints.
"""

import importlib
import inspect
import json
import pkgutil

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers

import apps.api
from apps.core.api import ErrorSerializer, without_nul_characters
from apps.core.fields import STRICT_REPLACEMENTS, StrictModelSerializer
from tests.api.conftest import url


def api_serializer_classes() -> list[type[serializers.Serializer]]:
    """Every Serializer class defined in apps.api, nested ones (a view's InputSerializer) included."""
    found: set[type[serializers.Serializer]] = {ErrorSerializer}
    for module_info in pkgutil.walk_packages(apps.api.__path__, "apps.api."):
        module = importlib.import_module(module_info.name)
        stack = [module]
        while stack:
            holder = stack.pop()
            for _name, value in inspect.getmembers(holder, inspect.isclass):
                if value.__module__ != module.__name__ or value in found:
                    continue
                if issubclass(value, serializers.Serializer):
                    found.add(value)
                stack.append(value)
    return sorted(found, key=lambda cls: cls.__qualname__)


def plain_fields(serializer: serializers.Serializer, path: str) -> list[str]:
    """The fields (nested ones too) that are exactly one of DRF's coercing classes."""
    plain = []
    for name, field in serializer.fields.items():
        where = f"{path}.{name}"
        for inner in (field, getattr(field, "child", None)):
            if type(inner) in STRICT_REPLACEMENTS:
                plain.append(f"{where}: {type(inner).__name__}")
            if isinstance(inner, serializers.Serializer):
                plain.extend(plain_fields(inner, where))
            if isinstance(inner, serializers.ListSerializer) and isinstance(
                inner.child, serializers.Serializer
            ):
                plain.extend(plain_fields(inner.child, where))
    return plain


def test_no_api_serializer_keeps_a_coercing_drf_field():
    classes = api_serializer_classes()
    assert len(classes) > 30, "the walk found the API's serializers"
    plain = [entry for cls in classes for entry in plain_fields(cls(), cls.__qualname__)]
    assert plain == []


@pytest.mark.django_db
def test_no_request_body_in_the_schema_takes_a_coercing_drf_field():
    """Every request serializer the schema generator finds (views outside apps.api too)."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    plain = []
    for path, _pattern, method, view in generator._get_paths_and_endpoints():
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.path, view.schema.method = path, method.upper()
        request_serializer = view.schema.get_request_serializer()
        if isinstance(request_serializer, serializers.Serializer):
            plain.extend(plain_fields(request_serializer, f"{method} {path}"))
        elif isinstance(request_serializer, dict):
            for serializer in request_serializer.values():
                instance = serializer() if isinstance(serializer, type) else serializer
                if isinstance(instance, serializers.Serializer):
                    plain.extend(plain_fields(instance, f"{method} {path}"))
    assert plain == []


def test_a_model_serializer_maps_text_numbers_and_choices_to_the_strict_fields():
    from apps.casework.models import ReplyTemplate

    class TemplateSerializer(StrictModelSerializer):
        class Meta:
            model = ReplyTemplate
            fields = "__all__"

    fields = TemplateSerializer().fields
    assert [name for name, field in fields.items() if type(field) in STRICT_REPLACEMENTS] == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"channel": "phone", "note": 0}, "note", "“note” must be a string, not a number."),
        ({"channel": "phone", "note": ["x"]}, "note", "“note” must be a string, not a list."),
        ({"channel": 1}, "channel", "“channel” must be a string, not a number."),
        (
            {"channel": "phone", "expected_version": "3"},
            "expected_version",
            "“expected_version” must be a whole number, not a string.",
        ),
        (
            {"channel": "phone", "expected_version": True},
            "expected_version",
            "“expected_version” must be a whole number, not a boolean.",
        ),
        (
            {"channel": "phone", "note": "a\x00b"},
            "note",
            "“note” contains a NUL character (\\0), which no text here may contain.",
        ),
    ],
)
def test_a_wrong_json_type_is_refused_naming_the_field_and_the_type(
    api, received, frozen, body, field, message
):
    response = api.post(url("ticket_contact", reference=received.reference), body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["extra"]["fields"][field] == [message]


def test_the_wrong_type_message_is_in_chinese_when_asked(api, received, frozen):
    response = api.post(
        url("ticket_contact", reference=received.reference),
        {"channel": "phone", "note": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["note"] == ["“note”应为字符串，而不是数字。"]


def test_a_boolean_is_json_true_or_false_only(api, frozen):
    created = api.post(
        url("tickets"), {"platform": "wechat", "requester_phone": "13912345678"}, format="json"
    )
    reference = created.json()["reference"]
    for value in ("true", 1, "on"):
        response = api.post(url("ticket_letter", reference=reference), {"complete": value}, format="json")
        assert response.status_code == 400, value
        assert (
            "“complete” must be a boolean (true or false)"
            in response.json()["extra"]["fields"]["complete"][0]
        )
    saved = api.post(
        url("ticket_letter", reference=reference), {"complete": False, "body": "x"}, format="json"
    )
    assert saved.status_code == 200, saved.json()


def test_a_code_given_as_a_number_is_refused_as_a_type_not_looked_up(api, frozen):
    response = api.post(url("tickets"), {"platform": 7, "requester_phone": "13912345678"}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["platform"] == ["“platform” must be a string, not a number."]


def test_the_right_types_still_pass(api, received, frozen):
    response = api.post(
        url("ticket_contact", reference=received.reference),
        {"channel": "phone", "note": "  called back  ", "expected_version": received.version},
        format="json",
    )
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("field", ["platform", "complaint_type", "requester_phone"])
def test_a_nul_byte_in_a_json_string_is_a_400_that_never_echoes_it(api, frozen, field):
    body = {"platform": "wechat", "requester_phone": "13912345678", field: "we\x00chat"}
    response = api.post(url("tickets"), body, format="json", HTTP_IDEMPOTENCY_KEY="nul-1")
    assert response.status_code == 400
    assert "\x00" not in response.content.decode()
    assert response.json()["extra"]["fields"][field] == [
        f"“{field}” contains a NUL character (\\0), which no text here may contain."
    ]
    again = api.post(url("tickets"), body, format="json", HTTP_IDEMPOTENCY_KEY="nul-1")
    assert again.status_code == 400


def test_an_error_answer_never_carries_a_nul_character():
    """DRF quotes input back ("“x” is not a valid choice."); the handler shows a NUL as \\0."""
    assert without_nul_characters({"a\x00": ["b\x00c", 1]}) == {"a\\0": ["b\\0c", 1]}
    assert without_nul_characters(["x\ud800"]) == ["x\ufffd"]


@pytest.mark.parametrize("field", ["platform", "complaint_type", "requester_phone"])
def test_a_lone_surrogate_in_a_json_string_is_a_400_not_an_encoding_error(api, frozen, field):
    body = {"platform": "wechat", "requester_phone": "13912345678", field: "SURROGATE"}
    raw = json.dumps(body).replace("SURROGATE", "\\ud800")  # JSON's escape of a lone surrogate
    response = api.post(url("tickets"), raw, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]


def test_a_whole_number_past_a_bigint_is_refused_before_any_query(api, received, frozen):
    response = api.post(
        url("ticket_contact", reference=received.reference),
        {"channel": "phone", "expected_version": 10**30},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["expected_version"]

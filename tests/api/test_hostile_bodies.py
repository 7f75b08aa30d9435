"""Every JSON body the schema documents, filled with each wrong JSON type: 4xx in the API's shape."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import url

pytestmark = pytest.mark.django_db

# JSON text for each value: escapes (a lone surrogate) must reach the parser as they are.
HOSTILE = [
    "0",
    "-1.5",
    "true",
    "null",
    "[]",
    "{}",
    '"a\\u0000b"',
    '"\\ud800"',
    "1" + "0" * 30,
    "1e400",
    json.dumps("x" * 20_000),
]


def json_operations() -> list[tuple[str, str, list[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            ref = content["application/json"]["schema"].get("$ref", "")
            component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
            operations.append((method, path, list(component.get("properties", {}))))
    return operations


def test_each_documented_json_field_refuses_each_hostile_value_without_a_5xx(api, frozen):
    created = api.post(
        url("tickets"), {"platform": "wechat", "requester_phone": "13912345678"}, format="json"
    )
    reference = created.json()["reference"]
    operations = json_operations()
    assert len(operations) >= 15
    failures = []
    for method, path, properties in operations:
        target = path.replace("{reference}", reference)
        for value in HOSTILE:
            body = "{" + ", ".join(f'"{name}": {value}' for name in properties) + "}"
            response = getattr(api, method)(target, body, content_type="application/json")
            shaped = response["Content-Type"] == "application/json" and set(response.json()) == {
                "message",
                "extra",
            }
            if response.status_code >= 500 or (response.status_code >= 400 and not shaped):
                failures.append(f"{method.upper()} {path} {value[:20]}: {response.status_code}")
    assert failures == []

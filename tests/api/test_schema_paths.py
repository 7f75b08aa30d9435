"""Every operation of the OpenAPI schema declares exactly the path parameters its path has."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_each_operation_s_path_parameters_are_the_names_in_its_path(schema):
    mismatches = []
    for path, item in schema["paths"].items():
        in_path = set(re.findall(r"{([^}]+)}", path))
        shared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            declared = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]
            names = set(declared) | shared
            if names != in_path or len(declared) != len(set(declared)):
                mismatches.append(
                    f"{method.upper()} {path}: declares {sorted(declared)}, path has {sorted(in_path)}"
                )
    assert mismatches == []


def test_the_evidence_download_takes_its_id_as_a_bigint(schema):
    (parameter,) = schema["paths"]["/api/v1/evidence/{pk}/download"]["get"]["parameters"]
    assert parameter["name"] == "pk" and parameter["required"] is True
    assert parameter["schema"] == {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}


def test_a_ticket_reference_has_the_reference_format_in_the_schema(schema):
    parameters = schema["paths"]["/api/v1/tickets/{reference}"]["get"]["parameters"]
    (reference,) = [p for p in parameters if p["name"] == "reference"]
    assert reference["schema"]["pattern"] == "^CH-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"

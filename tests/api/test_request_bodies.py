"""API bodies: JSON only (the upload excepted), nested a few dozen levels at most, 2.5 MB at most."""

import json

import pytest
from django.test import Client

from apps.core.parsers import MAX_JSON_DEPTH
from tests.api.conftest import url

pytestmark = pytest.mark.django_db


def is_api_error(response) -> bool:
    body = response.json()
    return response["Content-Type"].startswith("application/json") and set(body) == {"message", "extra"}


@pytest.fixture
def draft(api, frozen) -> str:
    created = api.post(
        url("tickets"), {"platform": "wechat", "requester_phone": "13912345678"}, format="json"
    )
    return created.json()["reference"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_a_body_nested_too_deep_is_a_400_not_a_recursion_error(api, draft, depth):
    body = "[" * depth + "]" * depth
    response = api.post(url("ticket_letter_check", reference=draft), body, content_type="application/json")
    assert response.status_code == 400
    assert is_api_error(response)
    assert response.json()["message"] == (
        f"The JSON body is nested too deep: at most {MAX_JSON_DEPTH} levels of objects and lists."
    )


def test_a_body_at_the_depth_limit_is_parsed(api, draft):
    nested: object = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = api.post(
        url("ticket_letter_check", reference=draft),
        json.dumps({"body": nested}),
        content_type="application/json",
    )
    assert response.status_code == 400  # parsed, then refused by the field: a list is not a string
    assert response.json()["extra"]["fields"]["body"] == ["“body” must be a string, not a list."]


@pytest.mark.parametrize("name", ["ticket_letter_check", "ticket_contact", "ticket_letter", "tickets"])
def test_a_form_body_is_a_415_naming_json(api, draft, name):
    target = url(name, reference=draft) if name != "tickets" else url(name)
    response = api.post(target, {"body": "", "respondent": ""}, format="multipart")
    assert response.status_code == 415
    assert is_api_error(response)
    assert response.json()["extra"]["accepted_media_types"] == ["application/json"]


def test_the_evidence_upload_takes_multipart_only(api, draft):
    response = api.post(url("ticket_evidence", reference=draft), {"tier": "t1"}, format="json")
    assert response.status_code == 415
    assert response.json()["extra"]["accepted_media_types"] == [
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ]


def test_a_body_over_the_upload_limit_is_a_413_in_the_api_shape(api, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"body": "x" * 2048})
    response = api.post(url("ticket_letter_check", reference=draft), body, content_type="application/json")
    assert response.status_code == 413
    assert is_api_error(response)
    assert response.json()["message"] == "The request body is too large: send at most 0.000976562 MB."


def test_a_body_over_2_5_mb_is_a_413_on_a_write_with_an_idempotency_key(api, draft):
    body = json.dumps({"channel": "phone", "note": "x" * (3 * 1024 * 1024)})
    response = api.post(
        url("ticket_contact", reference=draft),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="big-body-1",
    )
    assert response.status_code == 413
    assert is_api_error(response)
    assert response.json()["message"] == "The request body is too large: send at most 2.5 MB."


def test_a_body_over_2_5_mb_without_credentials_is_still_json(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        url("tickets"), "[" + "1," * (1400 * 1024) + "1]", content_type="application/json"
    )
    assert response.status_code in (401, 413)
    assert is_api_error(response)

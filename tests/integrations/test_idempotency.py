"""Idempotency-Key: a retried write returns the first response and creates nothing twice."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.models import Team
from apps.integrations.idempotency import idempotency_records_purge
from apps.integrations.models import IdempotencyRecord
from apps.integrations.scopes import Scope
from tests.factories import UserFactory
from tests.integrations import urls
from tests.integrations.conftest import issue, key_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(crm) -> APIClient:
    _key, plain = issue(crm, Scope.TICKETS_WRITE)
    return key_client(plain)


def _post(client: APIClient, key: str | None, path: str = "/teams", **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, {"name": "Night shift", **body}, format="json", **headers)


def test_a_retry_gets_the_first_response_and_creates_nothing(client):
    first = _post(client, "7f1c3b2e-retry")
    again = _post(client, "7f1c3b2e-retry")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert "X-Not-Kept" not in again.headers
    assert Team.objects.count() == 1


def test_without_the_header_every_request_is_new(client):
    assert _post(client, None, name="A").status_code == 201
    assert _post(client, None, name="B").status_code == 201
    assert Team.objects.count() == 2


def test_the_same_key_with_another_body_is_422(client):
    _post(client, "k-1", name="Night shift")
    response = _post(client, "k-1", name="Day shift")
    assert response.status_code == 422
    assert response.json() == {
        "message": "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request.",
        "extra": {},
    }
    assert list(Team.objects.values_list("name", flat=True)) == ["Night shift"]


def test_the_key_is_scoped_per_api_key_per_user_and_per_path(crm, client):
    _post(client, "shared", name="One")
    _other, plain = issue(crm, Scope.TICKETS_WRITE)
    assert _post(key_client(plain), "shared", name="Two").status_code == 201
    person = APIClient()
    person.force_login(UserFactory())
    assert _post(person, "shared", name="Three").status_code == 201
    assert _post(person, "shared", name="Three").headers["Idempotent-Replayed"] == "true"
    assert _post(client, "shared", path="/teams-alias", name="Four").status_code == 201
    assert Team.objects.count() == 4


def test_a_refused_request_releases_the_key_so_the_fixed_request_can_use_it(client):
    invalid = client.post("/teams", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="fix-me")
    assert invalid.status_code == 400
    refused = _post(client, "fix-me", refuse_after_write=True)
    assert refused.status_code == 400
    assert Team.objects.count() == 0  # the write before the refusal was rolled back
    assert _post(client, "fix-me").status_code == 201


def test_a_server_error_commits_nothing_and_is_not_replayed(client):
    crashed = _post(client, "crash", crash_after_write=True)
    assert crashed.status_code == 503
    assert Team.objects.count() == 0
    assert not IdempotencyRecord.objects.exists()
    assert _post(client, "crash", crash_after_write=True).status_code == 503


def test_a_malformed_key_is_a_field_error(client):
    response = _post(client, "x" * 256)
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"Idempotency-Key"}


def test_json_key_order_does_not_make_another_request(client):
    client.post("/teams", '{"name": "A", "hold": false}', content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="order")
    again = client.post("/teams", '{"hold": false,  "name": "A"}', content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="order")
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_a_multipart_retry_matches_by_file_content(client):
    def upload(content: bytes):
        return client.post(
            "/teams",
            {"name": "Files", "attachment": SimpleUploadedFile("proof.pdf", content)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    assert upload(b"%PDF-1.7 first").status_code == 201
    assert upload(b"%PDF-1.7 first").headers["Idempotent-Replayed"] == "true"
    assert upload(b"%PDF-1.7 other").status_code == 422


def test_a_key_expires_after_a_day_and_is_purged(client, frozen):
    _post(client, "daily")
    frozen.advance(hours=23, minutes=59)
    assert _post(client, "daily").headers["Idempotent-Replayed"] == "true"
    assert idempotency_records_purge(now=frozen.moment) == 0
    frozen.advance(minutes=1)
    Team.objects.all().delete()
    fresh = _post(client, "daily")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert Team.objects.count() == 1  # the expired key ran the view again
    frozen.advance(hours=24, seconds=1)
    assert idempotency_records_purge(now=frozen.moment) == 1
    assert not IdempotencyRecord.objects.exists()


def test_a_claim_left_by_a_dead_worker_is_taken_over(client, frozen):
    # A worker that died mid-request left its claim; its writes were rolled back with it.
    _post(client, "dead-probe")
    probe = IdempotencyRecord.objects.get(key="dead-probe")
    IdempotencyRecord.objects.filter(pk=probe.pk).update(status="processing", response_body=None)
    Team.objects.all().delete()
    assert _post(client, "dead-probe").status_code == 409
    frozen.advance(minutes=5)
    assert _post(client, "dead-probe").status_code == 201
    assert Team.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_at_once_with_one_key_one_runs_the_other_is_told_to_retry(crm):
    _key, plain = issue(crm, Scope.TICKETS_WRITE)
    urls.GATE.update(entered=threading.Event(), release=threading.Event())
    results = {}

    def first_request():
        try:
            results["first"] = _post(key_client(plain), "together", hold=True)
        finally:
            connection.close()

    worker = threading.Thread(target=first_request)
    worker.start()
    assert urls.GATE["entered"].wait(timeout=10)
    second = _post(key_client(plain), "together", hold=True)
    urls.GATE["release"].set()
    worker.join(timeout=10)
    assert second.status_code == 409
    assert second.headers["Retry-After"] == "1"
    assert results["first"].status_code == 201
    third = _post(key_client(plain), "together", hold=True)
    assert third.status_code == 201 and third.headers["Idempotent-Replayed"] == "true"
    assert Team.objects.count() == 1

"""Writes with one Idempotency-Key happen once; each key has its rate, with Retry-After."""

import pytest

from apps.tickets.models import WithdrawalTicket
from tests.api.conftest import PHONE, url

pytestmark = pytest.mark.django_db


def test_a_repeated_post_with_one_idempotency_key_creates_one_ticket(api, frozen):
    body = {"platform": "wechat", "requester_phone": PHONE}
    first = api.post(url("tickets"), body, format="json", HTTP_IDEMPOTENCY_KEY="7c0e8f1a-retry")
    again = api.post(url("tickets"), body, format="json", HTTP_IDEMPOTENCY_KEY="7c0e8f1a-retry")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert WithdrawalTicket.objects.count() == 1
    different = api.post(
        url("tickets"),
        {**body, "platform": "wechat", "complaint_type": "fraud"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="7c0e8f1a-retry",
    )
    assert different.status_code == 422
    api.post(url("tickets"), body, format="json", HTTP_IDEMPOTENCY_KEY="another")
    assert WithdrawalTicket.objects.count() == 2


def test_a_refused_write_is_not_kept_for_its_key(api, received, frozen):
    path = url("ticket_route", reference=received.reference)
    refused = api.post(path, {"route": "nowhere"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 400
    fixed = api.post(path, {"route": "nowhere"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert fixed.status_code == 400 and not fixed.has_header("Idempotent-Replayed")


def test_over_the_rate_a_key_is_told_when_to_come_back(api, settings, frozen):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "2/minute"}}
    assert api.get(url("policies")).status_code == 200
    assert api.get(url("tickets")).status_code == 200
    throttled = api.get(url("tickets"))
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["message"].startswith("Request was throttled.")


def test_the_policy_lists_what_clients_offer(api):
    policy = api.get(url("policies")).json()
    assert [platform["code"] for platform in policy["platforms"]] == ["wechat", "alipay", "douyin", "taobao"]
    assert {stage["code"] for stage in policy["stages"]} >= {"preliminary_review", "handled"}
    assert [tier["code"] for tier in policy["evidence_tiers"]] == ["base", "core", "supplementary"]
    assert policy["settings"]["max_evidence_bytes"] == 20 * 1024 * 1024
    assert {route["code"] for route in policy["routes"]} >= {"courts", "arbitration"}
    assert policy["complaint_types"][0]["required_documents"]

"""GET /api/v1/preview: what a requester can expect before submitting."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/preview"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """These requests speak of 24 November 2026: let that be today, whenever the suite runs."""
    monkeypatch.setattr("apps.core.clock.now", lambda: datetime(2026, 11, 24, 4, 0, tzinfo=UTC))


def _get(client, language="zh-hans", **params):
    base = {
        "platform": "wechat",
        "complaint_type": "infringement",
        "complaint_filed_at": "2026-11-24T20:00:00+08:00",
        "submitted_at": "2026-11-24T22:00:00+08:00",
    }
    return client.get(URL, {**base, **params}, HTTP_ACCEPT_LANGUAGE=language)


def test_a_night_submission_is_received_at_nine_with_every_deadline_in_shanghai_time(client):
    response = _get(client)
    assert response.status_code == 200
    body = response.json()
    assert body["received_at"] == "2026-11-25T09:00:00+08:00"
    assert body["stage"] == "evidence_check"  # 13 hours after filing, when it is received
    assert body["stage_ends_at"] == "2026-11-25T20:00:00+08:00"
    assert body["first_contact_due_at"] == "2026-11-25T00:00:00+08:00"
    assert body["decision_due_at"] == "2026-11-28T09:00:00+08:00"
    # Filed at 20:00, inside service hours: 7 working days after Tuesday 24 November.
    assert body["complaint_resolution_at"] == "2026-12-03T21:00:00+08:00"
    assert body["provisional"] is False
    assert body["withdrawable"] == "very_unlikely"
    assert {doc["code"] for doc in body["required_documents"]} == {"withdrawal_proof", "legal_documents"}
    assert 0 < body["success_estimate"] < 0.65
    assert all(
        datetime.fromisoformat(body[key]).utcoffset().total_seconds() == 8 * 3600
        for key in ("received_at", "decision_due_at")
    )


def test_next_steps_speak_the_requesters_language(client):
    chinese = " ".join(_get(client, "zh-hans").json()["next_steps"])
    english = " ".join(_get(client, "en").json()["next_steps"])
    assert "received at 2026-11-25 09:00" in english
    assert "2026-11-25 09:00" in chinese
    assert "received at" not in chinese


def test_a_fraud_report_is_never_withdrawable(client):
    body = _get(client, "en", complaint_type="fraud").json()
    assert body["withdrawable"] == "never"
    assert "police" in body["next_steps"][0]


def test_submitted_at_defaults_to_now(client):
    response = client.get(
        URL,
        {
            "platform": "alipay",
            "complaint_type": "account_violation",
            "complaint_filed_at": "2026-01-05T10:00:00+08:00",
        },
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "handled"


def test_bad_input_gets_a_message_per_field(client):
    response = client.get(
        URL, {"platform": "weibo", "complaint_type": "spam", "complaint_filed_at": "yesterday"}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert set(body["extra"]["fields"]) == {"complaint_filed_at"}
    response = client.get(
        URL,
        {"platform": "weibo", "complaint_type": "spam", "complaint_filed_at": "2026-11-20T20:00:00+08:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    fields = response.json()["extra"]["fields"]
    assert set(fields) == {"platform", "complaint_type"}
    assert "wechat" in fields["platform"][0]


def test_missing_input_is_named(client):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"platform", "complaint_type", "complaint_filed_at"}


def test_a_complaint_cannot_be_filed_after_the_submission(client):
    response = _get(client, "en", complaint_filed_at="2026-11-25T20:00:00+08:00")
    assert response.status_code == 400
    assert "complaint_filed_at" in response.json()["extra"]["fields"]


def test_a_time_far_from_today_is_refused_with_its_field(client):
    response = _get(client, complaint_filed_at="0881-05-29T12:11:34+08:00")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["complaint_filed_at"]

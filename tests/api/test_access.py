"""Every endpoint refuses whom it must: no key or a revoked one (401), the wrong scope (403),
another platform's integration (404 for a record, 403 for a platform it names), another requester (404)."""

import io

import pytest
from rest_framework.test import APIClient

from apps.evidence.services import evidence_upload
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_revoke
from apps.policy.models import EvidenceTier
from tests.api.conftest import issue, key_client, person_client, url
from tests.evidence.files import pdf_bytes

pytestmark = pytest.mark.django_db

# (name, method, scope, needs a ticket, payload)
TICKET_ENDPOINTS = [
    ("ticket_detail", "get", Scope.TICKETS_READ, {}),
    ("ticket_detail", "patch", Scope.TICKETS_WRITE, {"platform": "wechat"}),
    ("ticket_events", "get", Scope.TICKETS_READ, {}),
    ("ticket_complaint", "post", Scope.TICKETS_WRITE, {"number": "WX202611240000000001"}),
    ("ticket_identity", "post", Scope.TICKETS_WRITE, {"method": "face_recognition", "answer": "pass"}),
    ("ticket_identity_challenge", "post", Scope.TICKETS_WRITE, {"method": "sms_code"}),
    ("ticket_letter", "get", Scope.TICKETS_READ, {}),
    ("ticket_letter", "post", Scope.TICKETS_WRITE, {"respondent": "x"}),
    ("ticket_letter_check", "post", Scope.TICKETS_WRITE, {"respondent": "x"}),
    ("ticket_submit", "post", Scope.TICKETS_WRITE, {}),
    ("ticket_abandon", "post", Scope.TICKETS_WRITE, {}),
    ("ticket_evidence", "get", Scope.EVIDENCE_READ, {}),
    ("ticket_evidence", "post", Scope.EVIDENCE_WRITE, {"tier": "core"}),
    ("ticket_assign", "post", Scope.ACTIONS_WRITE, {"agent": None}),
    ("ticket_contact", "post", Scope.ACTIONS_WRITE, {"channel": "phone"}),
    ("ticket_request_evidence", "post", Scope.ACTIONS_WRITE, {"message": "more"}),
    ("ticket_approve", "post", Scope.ACTIONS_WRITE, {}),
    ("ticket_refuse", "post", Scope.ACTIONS_WRITE, {"reason": "no"}),
    ("ticket_route", "post", Scope.ACTIONS_WRITE, {"route": "courts"}),
    ("ticket_reopen", "post", Scope.ACTIONS_WRITE, {}),
]
OTHER_ENDPOINTS = [
    ("tickets", "get", Scope.TICKETS_READ, {}, {}),
    ("tickets", "post", Scope.TICKETS_WRITE, {}, {"platform": "wechat", "requester_phone": "13912345678"}),
    ("complaint_create", "post", Scope.COMPLAINTS_WRITE, {}, {"platform": "wechat"}),
    ("complaint_lookup", "get", Scope.COMPLAINTS_READ, {}, {"platform": "wechat", "number": "x"}),
    ("policies", "get", Scope.POLICIES_READ, {}, {}),
]
IDS = [f"{method} {name}" for name, method, _scope, _payload in TICKET_ENDPOINTS]


def call(client, method, path, payload):
    if method == "get":
        return client.get(path, payload)
    return getattr(client, method)(path, payload, format="json")


def all_but(scope):
    return [value for value in Scope.values if value != scope]


@pytest.mark.parametrize(("name", "method", "scope", "payload"), TICKET_ENDPOINTS, ids=IDS)
def test_ticket_endpoints_refuse_the_wrong_callers(
    crm, other_crm, received, requester, name, method, scope, payload
):
    path = url(name, reference=received.reference)

    key, plain = issue(crm)
    api_key_revoke(key=key, actor=None)
    revoked = call(key_client(plain), method, path, payload)
    assert revoked.status_code == 401
    assert revoked.json()["message"] == "This API key was revoked."

    assert call(key_client("chk_live_ABCDEFGH_" + "x" * 43), method, path, payload).status_code == 401
    assert call(APIClient(), method, path, payload).status_code in (401, 403)

    wrong_scope = call(key_client(issue(crm, *all_but(scope))[1]), method, path, payload)
    assert wrong_scope.status_code == 403
    assert wrong_scope.json()["message"] == f"This API key lacks the scope {scope}."

    other_platform = call(key_client(issue(other_crm)[1]), method, path, payload)
    assert other_platform.status_code == 404
    assert other_platform.json() == {"message": "Not found.", "extra": {}}

    other_requester = call(person_client(requester), method, path, payload)
    assert other_requester.status_code == 404


@pytest.mark.parametrize(("name", "method", "scope", "kwargs", "payload"), OTHER_ENDPOINTS)
def test_collection_endpoints_refuse_revoked_keys_and_missing_scopes(
    crm, name, method, scope, kwargs, payload
):
    path = url(name, **kwargs)
    key, plain = issue(crm)
    api_key_revoke(key=key, actor=None)
    assert call(key_client(plain), method, path, payload).status_code == 401
    wrong_scope = call(key_client(issue(crm, *all_but(scope))[1]), method, path, payload)
    assert wrong_scope.status_code == 403


@pytest.mark.parametrize(
    ("name", "method", "payload"),
    [
        ("tickets", "post", {"platform": "wechat", "requester_phone": "13912345678"}),
        (
            "complaint_create",
            "post",
            {
                "platform": "wechat",
                "number": "WX202611240000000001",
                "complaint_type": "fraud",
                "complainant_name": "张伟",
                "respondent": "某店",
                "filed_at": "2026-11-24T08:00:00+08:00",
            },
        ),
        ("complaint_lookup", "get", {"platform": "wechat", "number": "WX202611240000000001"}),
    ],
)
def test_an_integration_may_not_name_another_platform(other_crm, name, method, payload):
    refused = call(key_client(issue(other_crm)[1]), method, url(name), payload)
    assert refused.status_code == 403
    assert refused.json()["message"] == "This integration may not act for the platform wechat."


def test_evidence_download_is_refused_to_other_platforms_and_requesters(crm, other_crm, received, requester):
    evidence = evidence_upload(
        ticket=received,
        uploaded_by=None,
        file=io.BytesIO(pdf_bytes()),
        original_name="a.pdf",
        tier=EvidenceTier.objects.get(code="base"),
    )
    path = url("evidence_download", pk=evidence.pk)
    assert key_client(issue(crm)[1]).get(path).status_code == 200
    assert key_client(issue(crm, *all_but(Scope.EVIDENCE_READ))[1]).get(path).status_code == 403
    assert key_client(issue(other_crm)[1]).get(path).status_code == 404
    assert person_client(requester).get(path).status_code == 404
    assert person_client(received.requester).get(path).status_code == 200
    key, plain = issue(crm)
    api_key_revoke(key=key, actor=None)
    assert key_client(plain).get(path).status_code == 401


def test_a_requester_reads_their_own_ticket_and_an_agent_of_the_platform_too(received, agent, requester):
    assert (
        person_client(received.requester).get(url("ticket_detail", reference=received.reference)).status_code
        == 200
    )
    assert person_client(agent).get(url("ticket_detail", reference=received.reference)).status_code == 200
    listed = person_client(requester).get(url("tickets")).json()["results"]
    assert listed == []


def test_a_requester_cannot_act_as_an_agent(received):
    refused = person_client(received.requester).post(
        url("ticket_approve", reference=received.reference), {}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only agents can work on tickets."


def test_an_agent_may_not_advance_someone_elses_intake(received, agent):
    refused = person_client(agent).post(url("ticket_submit", reference=received.reference), {}, format="json")
    assert refused.status_code == 404


def test_a_signed_in_requester_files_for_themselves(requester, frozen):
    created = person_client(requester).post(url("tickets"), {"platform": "wechat"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["source"] == "portal"
    assert (
        person_client(requester).get(url("tickets")).json()["results"][0]["reference"]
        == created.json()["reference"]
    )

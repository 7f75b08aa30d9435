"""POST /complaints/ and GET /complaints/lookup."""

import pytest

from apps.complaints.models import Complaint
from tests.api.conftest import issue, key_client, person_client, url
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

BODY = {
    "platform": "wechat",
    "number": "WX 2026-1124-0930-0012-34",
    "complaint_type": "account_violation",
    "complainant_name": "张伟",
    "respondent": "某某数码专营店",
    "filed_at": "2026-11-24T08:00:00+08:00",
    "summary": "误投诉",
}


def test_an_integration_records_a_complaint_and_finds_it_by_number(api, frozen):
    created = api.post(url("complaint_create"), BODY, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == "WX202611240930001234"
    assert created.json()["filed_at"] == "2026-11-24T08:00:00+08:00"
    found = api.get(created["Location"])
    assert found.status_code == 200 and found.json()["respondent"] == "某某数码专营店"
    assert (
        api.get(url("complaint_lookup"), {"platform": "wechat", "number": "WX202611240930001234"}).json()
        == found.json()
    )


def test_a_second_complaint_with_the_number_is_a_conflict(api, frozen):
    api.post(url("complaint_create"), BODY, format="json")
    again = api.post(url("complaint_create"), {**BODY, "number": "WX202611240930001234"}, format="json")
    assert again.status_code == 409
    assert again.json()["extra"]["code"] == "duplicate_number"
    assert again.json()["extra"]["fields"]["number"]
    assert Complaint.objects.count() == 1


def test_a_number_in_another_format_says_what_it_looks_like(api, frozen):
    refused = api.post(url("complaint_create"), {**BODY, "number": "ZFB202611240930004567"}, format="json")
    assert refused.status_code == 400
    assert "WX202611240930001234" in refused.json()["extra"]["fields"]["number"][0]


def test_a_complaint_cannot_be_filed_in_the_future(api, frozen):
    refused = api.post(
        url("complaint_create"), {**BODY, "filed_at": "2027-01-01T00:00:00+08:00"}, format="json"
    )
    assert refused.status_code == 400 and "filed_at" in refused.json()["extra"]["fields"]


def test_an_unknown_number_is_not_found(api):
    missing = api.get(url("complaint_lookup"), {"platform": "wechat", "number": "WX202611240000009999"})
    assert missing.status_code == 404


def test_people_need_the_admin_permissions(requester, supervisor, agent, frozen):
    assert person_client(requester).post(url("complaint_create"), BODY, format="json").status_code == 403
    assert person_client(supervisor).post(url("complaint_create"), BODY, format="json").status_code == 201
    complaint = ComplaintFactory()
    query = {"platform": "wechat", "number": complaint.number}
    assert person_client(requester).get(url("complaint_lookup"), query).status_code == 403
    assert person_client(agent).get(url("complaint_lookup"), query).status_code == 200


def test_complaints_read_does_not_allow_writing(crm, frozen):
    reader = key_client(issue(crm, "complaints:read")[1])
    assert reader.post(url("complaint_create"), BODY, format="json").status_code == 403


def test_a_code_with_a_nul_byte_is_a_field_error_not_a_crash(api, frozen):
    refused = api.post(url("complaint_create"), {**BODY, "platform": "we\x00chat"}, format="json")
    assert refused.status_code == 400 and "platform" in refused.json()["extra"]["fields"]

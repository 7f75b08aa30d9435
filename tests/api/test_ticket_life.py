"""The whole life of a ticket driven by an integration's key, as docs/api.md walks through it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.api.services import integration_agent_get_or_create
from apps.casework.services import ticket_assign
from apps.evidence.models import EvidenceFile
from apps.integrations.models import Integration
from apps.tickets.models import EventKind, TicketEvent, TicketSource, TicketStatus, WithdrawalTicket
from tests.api.conftest import PHONE, person_client, url
from tests.evidence.files import pdf_bytes

pytestmark = pytest.mark.django_db


def test_an_integration_takes_a_ticket_from_intake_to_approval(api, complaint, agent, frozen, sms_codes):
    created = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json")
    assert created.status_code == 201, created.json()
    reference = created.json()["reference"]
    assert created["Location"] == url("ticket_detail", reference=reference)
    assert created.json()["intake_step"] == 2
    ticket = WithdrawalTicket.objects.get(reference=reference)
    assert ticket.source == TicketSource.API
    assert ticket.requester.phone == PHONE

    number = api.post(
        url("ticket_complaint", reference=reference), {"number": complaint.number}, format="json"
    )
    assert number.status_code == 200, number.json()
    assert number.json()["complaint_number"] == complaint.number
    assert number.json()["complaint_type"] == "content_infringement"
    assert number.json()["intake_step"] == 3

    face = api.post(
        url("ticket_identity", reference=reference),
        {"method": "face_recognition", "answer": "pass"},
        format="json",
    )
    assert face.json()["outcome"] == "passed"
    assert face.json()["identity"]["next_method"] == "sms_code"
    sent = api.post(
        url("ticket_identity_challenge", reference=reference), {"method": "sms_code"}, format="json"
    )
    assert sent.status_code == 200, sent.json()
    assert sent.json()["sent_to"] != PHONE and sent.json()["sent_to"].endswith(PHONE[-4:])
    wrong = api.post(
        url("ticket_identity", reference=reference),
        {"method": "sms_code", "answer": "000000" if sms_codes()[-1] != "000000" else "111111"},
        format="json",
    )
    assert wrong.status_code == 200 and wrong.json()["outcome"] == "rejected"
    code = api.post(
        url("ticket_identity", reference=reference),
        {"method": "sms_code", "answer": sms_codes()[-1]},
        format="json",
    )
    assert code.json()["outcome"] == "passed", code.json()
    assert code.json()["ticket"]["intake_step"] == 4

    letter = {
        "complaint_time": (complaint.filed_at).isoformat(),
        "respondent": complaint.respondent,
        "reason": "双方已和解,申请撤回投诉。",
        "body": "本人于投诉时间提交了投诉,现双方已达成和解,恳请撤回。补偿:向对方退款100元。",
    }
    checked = api.post(url("ticket_letter_check", reference=reference), letter, format="json")
    assert checked.status_code == 200 and checked.json()["ready"] is True
    saved = api.post(url("ticket_letter", reference=reference), {**letter, "complete": True}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["ticket"]["intake_step"] == 5
    assert api.get(url("ticket_letter", reference=reference)).json()["respondent"] == complaint.respondent

    uploaded = api.post(
        url("ticket_evidence", reference=reference),
        {"file": _pdf("和解协议.pdf"), "tier": "core"},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    evidence = EvidenceFile.objects.get(pk=uploaded.json()["id"])
    assert str(evidence.uploaded_by) == "api:WeChat CRM"
    listed = api.get(url("ticket_evidence", reference=reference)).json()
    assert [row["original_name"] for row in listed] == ["和解协议.pdf"]
    download = api.get(listed[0]["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    submitted = api.post(url("ticket_submit", reference=reference), format="json")
    assert submitted.status_code == 200, submitted.json()
    detail = api.get(url("ticket_detail", reference=reference)).json()
    assert detail["status"] == "received"
    assert detail["progress"]["stage"] == "preliminary_review"
    assert detail["progress"]["estimate"] > 0
    assert [deadline["passed"] for deadline in detail["progress"]["deadlines"]] == [False, False, False]
    assert [tier["code"] for tier in detail["progress"]["tiers"] if tier["present"]] == ["core"]

    assigned = api.post(url("ticket_assign", reference=reference), {"agent": "agent-li"}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["status"] == "assigned"
    frozen.advance(minutes=10)
    contact = api.post(url("ticket_contact", reference=reference), {"channel": "phone"}, format="json")
    assert contact.status_code == 200, contact.json()
    version = contact.json()["version"]
    stale = api.post(
        url("ticket_approve", reference=reference), {"expected_version": version - 1}, format="json"
    )
    assert stale.status_code == 409
    approved = api.post(
        url("ticket_approve", reference=reference), {"expected_version": version}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"

    events = api.get(url("ticket_events", reference=reference)).json()
    kinds = [event["kind"] for event in events]
    assert kinds[0] == EventKind.CREATED and kinds[-1] == EventKind.DECIDED
    assert events[-1]["actor"] == "api:WeChat CRM"
    assert {"evidence_added", "assigned", "contact_logged", "received"} <= set(kinds)


def test_an_integration_asks_for_evidence_refuses_reopens_and_routes(api, received, frozen):
    reference = received.reference
    asked = api.post(
        url("ticket_request_evidence", reference=reference), {"message": "请补充和解协议"}, format="json"
    )
    assert asked.status_code == 200, asked.json()
    assert asked.json()["status"] == TicketStatus.WAITING_ON_REQUESTER
    refused = api.post(url("ticket_refuse", reference=reference), {"reason": "材料不足"}, format="json")
    assert refused.json()["status"] == "refused" and refused.json()["decision_reason"] == "材料不足"
    assert refused.json()["progress"]["routes"], "a refused ticket shows the other routes"
    reopened = api.post(url("ticket_reopen", reference=reference), {"note": "新材料"}, format="json")
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["status"] == "received"
    routed = api.post(url("ticket_route", reference=reference), {"route": "arbitration"}, format="json")
    assert routed.json()["status"] == "routed" and routed.json()["route"] == "arbitration"
    unknown = api.post(url("ticket_route", reference=reference), {"route": "nowhere"}, format="json")
    assert unknown.status_code == 400


def test_a_business_refusal_says_why_with_the_field(api, frozen):
    created = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json").json()
    order_number = api.post(
        url("ticket_complaint", reference=created["reference"]),
        {"number": "2026112412345678901234"},
        format="json",
    )
    assert order_number.status_code == 400
    assert order_number.json()["extra"]["fields"]["number"]
    submit = api.post(url("ticket_submit", reference=created["reference"]), format="json")
    assert submit.status_code == 400
    assert submit.json()["message"] == "Confirm the complaint number first."


def test_an_integration_abandons_a_draft(api, frozen):
    created = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json").json()
    abandoned = api.post(url("ticket_abandon", reference=created["reference"]), format="json")
    assert abandoned.json()["status"] == "cancelled"


def test_step_one_can_be_changed_on_a_draft(api, frozen):
    created = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json").json()
    changed = api.patch(
        url("ticket_detail", reference=created["reference"]),
        {"platform": "wechat", "complaint_type": "account_violation"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["complaint_type"] == "account_violation"
    other = api.patch(
        url("ticket_detail", reference=created["reference"]), {"platform": "alipay"}, format="json"
    )
    assert other.status_code == 403


def test_an_api_ticket_needs_the_requesters_phone(api, frozen):
    missing = api.post(url("tickets"), {"platform": "wechat"}, format="json")
    assert missing.status_code == 400 and "requester_phone" in missing.json()["extra"]["fields"]
    wrong = api.post(url("tickets"), {"platform": "wechat", "requester_phone": "12345"}, format="json")
    assert wrong.status_code == 400 and "requester_phone" in wrong.json()["extra"]["fields"]


def test_a_staff_number_cannot_be_a_requester(api, agent, frozen):
    agent.phone = PHONE
    agent.save()
    refused = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json")
    assert refused.status_code == 400 and "requester_phone" in refused.json()["extra"]["fields"]


def test_one_requester_per_phone_across_tickets(api, frozen):
    for _ in range(2):
        api.post(url("tickets"), {"platform": "wechat", "requester_phone": f"+86 {PHONE}"}, format="json")
    assert WithdrawalTicket.objects.values("requester").distinct().count() == 1


def test_the_timeline_shows_a_requester_no_agent_names(received, agent, frozen):
    ticket_assign(
        ticket_id=received.pk,
        agent=agent,
        actor=integration_agent_get_or_create(integration=Integration.objects.create(name="X")),
    )
    events = person_client(received.requester).get(url("ticket_events", reference=received.reference)).json()
    assigned = [event for event in events if event["kind"] == "assigned"]
    assert assigned and assigned[0]["to_value"] == "" and assigned[0]["actor"] == ""
    assert TicketEvent.objects.filter(ticket=received, kind="assigned", to_value=str(agent)).exists()


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def test_a_ticket_is_created_in_a_fixed_handful_of_statements(
    api, frozen, django_capture_on_commit_callbacks
):
    """Key with its platforms, requester with its staff check, the ticket with its events (one
    statement), is anyone listening for webhooks: whatever the integration or the requester."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json")
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        created = api.post(url("tickets"), {"platform": "wechat", "requester_phone": PHONE}, format="json")
    assert created.status_code == 201
    transaction_control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [
        query["sql"] for query in queries.captured_queries if not query["sql"].startswith(transaction_control)
    ]
    assert len(statements) == 4, statements
    ticket = WithdrawalTicket.objects.get(reference=created.json()["reference"])
    assert ticket.platform.code == "wechat"
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        EventKind.CREATED, EventKind.INTAKE_STEP,
    ]


def test_a_platform_named_by_code_is_checked_the_same_with_or_without_the_key_s_rows(api):
    """Codes come from the key's own platforms when they are there, else from the table: so an
    unknown code is a field error, another integration's platform a 403, as before."""
    unknown = api.post(url("tickets"), {"platform": "myspace", "requester_phone": PHONE}, format="json")
    assert unknown.status_code == 400
    assert "platform" in unknown.json()["extra"]["fields"]
    others = api.post(url("tickets"), {"platform": "alipay", "requester_phone": PHONE}, format="json")
    assert others.status_code == 403
    assert others.json()["message"] == "This integration may not act for the platform alipay."

"""A refused file gets the same message on the API (HTTP 400, the API's error shape) and the portal."""



import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from apps.api.errors import STATUS_BY_CODE
from apps.evidence.checks import EvidenceRefused, Refusal
from apps.evidence.models import EvidenceFile
from apps.evidence.refusals import refusal_message
from apps.integrations.models import Integration
from apps.policy.models import ComplaintType, EvidenceTier, Platform
from tests.api.conftest import issue, key_client, url
from tests.evidence import files, hostile_pdf
from tests.factories import ComplaintFactory, DraftFactory, RequesterFactory, TicketFactory

ATTACHMENT_MESSAGE = (
    "This PDF has files attached to it. Export the PDF again without attachments (in most PDF tools: "
    "Print → Save as PDF), and upload each attached document on its own."
)


@pytest.fixture
def received(db):
    """A WeChat ticket in the queue, and a key of the WeChat integration with every scope."""
    complaint = ComplaintFactory(complaint_type=ComplaintType.objects.get(code="content_infringement"))
    return TicketFactory(
        complaint=complaint, requester=RequesterFactory(), stage=None,
        submitted_at=complaint.filed_at, received_at=complaint.filed_at,
    )


@pytest.fixture
def api(db):
    integration = Integration.objects.create(name="WeChat CRM")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    return key_client(issue(integration)[1])


def post(api, ticket, content: bytes, name: str):
    upload = SimpleUploadedFile(name, content)
    return api.post(
        url("ticket_evidence", reference=ticket.reference),
        {"file": upload, "tier": "core"},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"just some text\n" * 10, "notes.pdf", "format_not_allowed"),
        (files.png_bytes(), "photo.png", "bare_image"),
        (hostile_pdf.attached_program(), "invoice.pdf", "pdf_attachment"),
        (hostile_pdf.link_javascript(), "link.pdf", "pdf_javascript"),
    ],
    ids=["wrong-type", "picture", "attachment", "javascript"],
)
def test_a_refused_upload_answers_400_with_the_api_error_shape(api, received, content, name, code):
    answer = post(api, received, content, name)
    assert answer.status_code == 400, answer.json()
    body = answer.json()
    assert set(body) == {"message", "extra"}
    assert body["extra"]["code"] == code
    assert body["extra"]["fields"] == {"file": [body["message"]]}
    assert not EvidenceFile.objects.exists()


def test_the_api_says_what_was_found_and_how_to_fix_it(api, received):
    answer = post(api, received, hostile_pdf.attached_program(), "invoice.pdf")
    assert answer.json()["message"] == ATTACHMENT_MESSAGE


def test_the_api_answers_in_the_callers_language(api, received):
    api.credentials(HTTP_AUTHORIZATION=api._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    answer = post(api, received, hostile_pdf.attached_program(), "invoice.pdf")
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("该 PDF 附带了其他文件")


@pytest.mark.parametrize("code", list(Refusal))
def test_no_refusal_code_is_one_the_api_answers_with_another_status(code):
    assert str(code) not in STATUS_BY_CODE


@pytest.mark.parametrize("code", list(Refusal))
def test_every_refusal_has_its_own_message_in_english_and_chinese(code):
    refused = EvidenceRefused(code)
    with translation.override("en"):
        english = refusal_message(refused, formats=[], max_bytes=files.MB, max_pages=500)
    with translation.override("zh-hans"):
        chinese = refusal_message(refused, formats=[], max_bytes=files.MB, max_pages=500)
    if code != Refusal.NOT_ALLOWED:
        with translation.override("en"):
            fallback = refusal_message(EvidenceRefused(Refusal.NOT_ALLOWED), formats=[], max_bytes=1)
        assert english != fallback
    assert chinese != english
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese)


def test_the_portal_shows_the_same_message_next_to_the_file(db, client, english):
    draft = DraftFactory(requester=RequesterFactory())
    client.force_login(draft.requester)
    answer = client.post(
        reverse("portal:evidence_add", kwargs={"reference": draft.reference}),
        {"file": SimpleUploadedFile("invoice.pdf", hostile_pdf.attached_program()),
         "tier": EvidenceTier.objects.get(code="core").pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    form = answer.context["evidence_form"]
    assert form.errors["file"] == [ATTACHMENT_MESSAGE]
    assert not EvidenceFile.objects.exists()




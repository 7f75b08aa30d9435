"""Evidence files, identity attempts, letters and stage entries: records to read, not to edit."""

import hashlib

import pytest
from django.urls import reverse

from apps.complaints.models import Complaint
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import IdentityMethod
from tests.admin.post_data import post_change
from tests.factories import ComplaintFactory, TicketFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt() -> IdentityVerificationAttempt:
    return IdentityVerificationAttempt.objects.create(
        ticket=TicketFactory(), method=IdentityMethod.FACE_RECOGNITION, provider="dev",
        outcome=IdentityVerificationAttempt.Outcome.REJECTED, reason="face not matched",
        ip_address="2001:db8:85a3:8d3:1319:8a2e:370:7348",
    )


@pytest.fixture
def evidence() -> EvidenceFile:
    return EvidenceFile.objects.create(
        ticket=TicketFactory(), tier=tier("base"), file="evidence/0a1b2c", original_name="截图.docx",
        detected_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=2_400_000, sha256=hashlib.sha256(b"screenshots").hexdigest(),
    )


def test_identity_attempts_show_the_ip_masked(supervisor_client, attempt):
    listing = supervisor_client.get(reverse("admin:identity_identityverificationattempt_changelist"))
    change_url = reverse("admin:identity_identityverificationattempt_change", args=[attempt.pk])
    page = supervisor_client.get(change_url)
    for response in (listing, page):
        assert response.status_code == 200
        assert "2001:db8:85a3:8d3:*:*:*:*" in response.text
        assert "1319:8a2e" not in response.text


def test_identity_attempts_cannot_be_added_changed_or_deleted(superuser_client, attempt):
    change_url = reverse("admin:identity_identityverificationattempt_change", args=[attempt.pk])
    delete_url = reverse("admin:identity_identityverificationattempt_delete", args=[attempt.pk])
    assert superuser_client.get(reverse("admin:identity_identityverificationattempt_add")).status_code == 403
    assert superuser_client.post(change_url, {"outcome": "passed"}).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.outcome == "rejected"


def test_evidence_files_are_listed_and_read_only(supervisor_client, superuser_client, evidence):
    listing = supervisor_client.get(reverse("admin:evidence_evidencefile_changelist"))
    assert listing.status_code == 200
    assert "截图.docx" in listing.text
    assert "2.3\xa0MB" in listing.text
    change_url = reverse("admin:evidence_evidencefile_change", args=[evidence.pk])
    assert supervisor_client.get(change_url).status_code == 200
    assert superuser_client.get(reverse("admin:evidence_evidencefile_add")).status_code == 403
    assert superuser_client.post(change_url, {"tier": tier("core").pk}).status_code == 403
    delete_url = reverse("admin:evidence_evidencefile_delete", args=[evidence.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_evidence_is_found_by_ticket_number(supervisor_client, evidence):
    response = supervisor_client.get(
        reverse("admin:evidence_evidencefile_changelist"), {"q": evidence.ticket.reference.lower()}
    )
    assert list(response.context["cl"].result_list) == [evidence]


def test_complaints_are_found_by_number_or_complainant(supervisor_client):
    wanted = ComplaintFactory(complainant_name="欧阳娜娜")
    ComplaintFactory.create_batch(2)
    url = reverse("admin:complaints_complaint_changelist")
    for term in (wanted.number, wanted.number.lower(), "欧阳"):
        response = supervisor_client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [wanted], term


def test_complaints_are_filtered_by_status_and_browsed_by_filing_date(supervisor_client):
    open_one = ComplaintFactory()
    ComplaintFactory(status="frozen")
    url = reverse("admin:complaints_complaint_changelist")
    response = supervisor_client.get(url, {"status__exact": "open"})
    assert list(response.context["cl"].result_list) == [open_one]
    year = open_one.filed_at.astimezone().year
    assert supervisor_client.get(url, {"filed_at__year": year}).status_code == 200


def test_a_supervisor_corrects_a_complaint(supervisor_client):
    complaint = ComplaintFactory()
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    response = post_change(supervisor_client, url, respondent="某某旗舰店")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Complaint.objects.get(pk=complaint.pk).respondent == "某某旗舰店"

"""evidence_delete: a requester may take a file back from their draft, and only then."""

import pytest

from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.evidence.services import evidence_delete
from apps.tickets.models import EventKind, TicketEvent, TicketStatus
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_requester_removes_a_file_from_their_draft(draft, settings, django_capture_on_commit_callbacks):
    evidence = upload(draft, files.pdf_bytes(), "错的文件.pdf")
    stored = settings.PRIVATE_MEDIA_ROOT / evidence.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, actor=draft.requester)

    assert not EvidenceFile.objects.exists()
    assert not stored.exists()
    draft.refresh_from_db()
    assert draft.version == 3  # one for the upload, one for the removal
    event = TicketEvent.objects.filter(ticket=draft, kind=EventKind.NOTE).get()
    assert (event.actor, event.from_value) == (draft.requester, "错的文件.pdf")
    assert event.data["action"] == "evidence_removed"
    # The same file may be added again afterwards.
    upload(draft, files.pdf_bytes(), "对的文件.pdf")


def test_a_submitted_tickets_evidence_stays(draft, settings):
    evidence = upload(draft, files.pdf_bytes())
    draft.status, draft.submitted_at = TicketStatus.RECEIVED, draft.created_at
    draft.save(update_fields=["status", "submitted_at"])
    with pytest.raises(ApplicationError) as caught:
        evidence_delete(evidence=evidence, actor=draft.requester)
    assert caught.value.message == "Evidence can be removed only before the ticket is submitted."
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / evidence.file.name).exists()


def test_no_one_else_removes_a_requesters_file(draft, supervisor):
    evidence = upload(draft, files.pdf_bytes())
    for other in (UserFactory(), supervisor):
        with pytest.raises(ApplicationError) as caught:
            evidence_delete(evidence=evidence, actor=other)
        assert caught.value.extra == {"code": "not_allowed"}
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()

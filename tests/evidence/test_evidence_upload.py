"""evidence_upload: a checked file is stored privately and recorded on its ticket; anything else refused."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from apps.core.errors import ApplicationError
from apps.evidence.checks import DOCX_MIME, PDF_MIME
from apps.evidence.models import EvidenceFile
from apps.evidence.services import CHUNK_BYTES, evidence_upload, original_name_clean
from apps.policy.models import DocumentRequirement, EvidenceFormat, EvidenceTier
from apps.tickets.models import EventKind, TicketEvent, TicketStatus
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import TicketFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MB = files.MB


def refused(ticket, content: bytes, name: str = "证据.pdf", **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        upload(ticket, content, name, **kwargs)
    return caught.value


def test_a_pdf_is_stored_privately_under_an_opaque_name_and_recorded(draft, settings):
    content = files.pdf_bytes()
    evidence = upload(draft, content, "设备信息 IMEI.pdf", tier="base")

    evidence.refresh_from_db()
    assert evidence.original_name == "设备信息 IMEI.pdf"
    assert (evidence.detected_type, evidence.size) == (PDF_MIME, len(content))
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.tier.code, evidence.uploaded_by) == ("base", draft.requester)
    assert evidence.file.name.startswith("evidence/") and "IMEI" not in evidence.file.name
    stored = settings.PRIVATE_MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == content

    event = TicketEvent.objects.get(ticket=draft, kind=EventKind.EVIDENCE_ADDED)
    assert (event.actor, event.to_value) == (draft.requester, "设备信息 IMEI.pdf")
    assert event.data == {
        "evidence_id": evidence.pk, "tier": "base", "document": None, "detected_type": PDF_MIME,
        "size": len(content), "sha256": evidence.sha256,
    }


def test_an_upload_raises_the_ticket_version(draft):
    draft.refresh_from_db()
    before = draft.version
    upload(draft, files.pdf_bytes())
    assert draft.version == before + 1
    draft.refresh_from_db()
    assert draft.version == before + 1


def test_a_word_document_with_an_embedded_picture_is_accepted_for_a_required_document(draft):
    document = DocumentRequirement.objects.get(code="respondent_consent")
    evidence = evidence_upload(
        ticket=draft, uploaded_by=draft.requester,
        file=SimpleUploadedFile("同意书.docx", files.docx_with_png()), original_name="同意书.docx",
        tier=EvidenceTier.objects.get(code="core"), document=document,
    )
    assert (evidence.detected_type, evidence.document, evidence.tier.code) == (DOCX_MIME, document, "core")
    assert TicketEvent.objects.get(ticket=draft, kind=EventKind.EVIDENCE_ADDED).data["document"] == (
        "respondent_consent"
    )


def test_a_plain_stream_is_accepted_like_a_browser_upload(draft):
    evidence = upload(draft, files.pdf_bytes("stream"), "api.pdf", as_upload=False)
    assert evidence.size == len(files.pdf_bytes("stream"))


# ------------------------------------------------------------------------------- the size edges
def test_a_file_of_exactly_the_limit_is_accepted(draft, policy):
    assert policy.max_evidence_bytes == 20 * MB
    evidence = upload(draft, files.pdf_of_size(20 * MB), "exactly-20MB.pdf")
    assert evidence.size == 20 * MB


def test_one_byte_over_the_limit_is_refused_and_nothing_is_kept(draft, settings):
    error = refused(draft, files.pdf_of_size(20 * MB + 1), "20MB-plus-one.pdf")
    assert error.extra == {"code": "too_large", "field": "file"}
    assert error.message == (
        "This file is larger than 20.0\xa0MB, the most one file may be. Split it or reduce its pictures, "
        "and upload it again."
    )
    assert not EvidenceFile.objects.exists()
    assert not TicketEvent.objects.filter(kind=EventKind.EVIDENCE_ADDED).exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "evidence").exists()


def test_the_limit_is_the_policys(draft, policy):
    policy.max_evidence_bytes = 1000
    policy.save(update_fields=["max_evidence_bytes"])
    upload(draft, files.pdf_of_size(1000), "a.pdf")
    assert refused(draft, files.pdf_of_size(1001), "b.pdf").extra["code"] == "too_large"


class EndlessStream(io.RawIOBase):
    """A stream that never ends and cannot tell its size: it counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise OSError("not seekable")

    def readinto(self, buffer) -> int:
        buffer[:] = b"%" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_a_stream_of_unknown_size_is_read_only_up_to_the_limit(draft, policy):
    stream = EndlessStream()
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(
            ticket=draft, uploaded_by=draft.requester, file=io.BufferedReader(stream),
            original_name="endless.pdf", tier=EvidenceTier.objects.get(code="base"),
        )
    assert caught.value.extra["code"] == "too_large"
    assert stream.read_bytes <= policy.max_evidence_bytes + 2 * CHUNK_BYTES


class UnreadableUpload(SimpleUploadedFile):
    """An upload that fails if anyone reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("read before the size was checked")

    def chunks(self, *args, **kwargs):
        raise AssertionError("read before the size was checked")


def test_an_upload_announcing_too_much_is_refused_before_it_is_read(draft):
    file = UnreadableUpload("big.pdf", b"%PDF-")
    file.size = 20 * MB + 1
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(
            ticket=draft, uploaded_by=draft.requester, file=file, original_name="big.pdf",
            tier=EvidenceTier.objects.get(code="base"),
        )
    assert caught.value.extra["code"] == "too_large"


def test_an_upload_understating_its_size_is_still_counted(draft):
    file = SimpleUploadedFile("big.pdf", files.pdf_of_size(20 * MB + 1))
    file.size = 1000
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(
            ticket=draft, uploaded_by=draft.requester, file=file, original_name="big.pdf",
            tier=EvidenceTier.objects.get(code="base"),
        )
    assert caught.value.extra["code"] == "too_large"


# ----------------------------------------------------------------------------- refused contents
@pytest.mark.parametrize(
    ("make", "name", "code", "message"),
    [
        (files.png_bytes, "截图.png", "bare_image",
         "A picture cannot be uploaded on its own. Put it into a Word document (.docx), save it and upload "
         "the document."),
        (files.jpeg_bytes, "photo.pdf", "bare_image", None),
        (files.elf_executable, "发票.pdf", "executable",
         "This file is a program, not a document, whatever its name says. Upload one of: PDF document, "
         "Word document (put images in one)."),
        (files.pe_executable, "agreement.docx", "executable", None),
        (files.encrypted_pdf, "locked.pdf", "pdf_encrypted",
         "This PDF is protected by a password or encryption. Save a copy without protection and upload "
         "that."),
        (files.truncated_pdf, "half.pdf", "pdf_broken", None),
        (files.docx_with_linked_image, "linked.docx", "docx_linked_image",
         "This Word document links to pictures instead of containing them. Insert the pictures into the "
         "document itself (not as links), save it and upload it again."),
        (files.docm_bytes, "macro.docx", "docx_macro",
         "This Word document contains macros. Save it as a plain Word document (.docx) without macros, or "
         "as a PDF, and upload that."),
        (lambda: files.zip_bomb(uncompressed=8 * MB), "bomb.docx", "archive_bomb", None),
        (files.plain_zip, "evidence.zip", "archive", None),
        (files.legacy_doc, "old.doc", "legacy_office", None),
    ],
)
def test_a_refused_file_says_what_to_do_and_leaves_nothing_behind(draft, settings, make, name, code, message):
    error = refused(draft, make(), name)
    assert error.extra == {"code": code, "field": "file"}
    if message is not None:
        assert error.message == message
    assert not EvidenceFile.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "evidence").exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_the_formats_are_named_in_the_requesters_language(draft):
    with translation.override("zh-hans"):
        error = refused(draft, files.elf_executable(), "发票.pdf")
    assert "PDF 文档" in error.message and "PDF document" not in error.message


def test_the_picture_advice_follows_the_policys_format_for_pictures(draft):
    EvidenceFormat.objects.filter(carries_images=True).update(extension="docx2")
    assert "(.docx2)" in refused(draft, files.png_bytes(), "截图.png").message
    EvidenceFormat.objects.update(carries_images=False)
    assert refused(draft, files.png_bytes(), "截图.png").message == (
        "Pictures are not accepted on their own. Upload one of: PDF document, Word document (put images "
        "in one)."
    )


def test_a_format_policy_no_longer_lists_is_refused(draft):
    EvidenceFormat.objects.filter(mime_type=DOCX_MIME).delete()
    error = refused(draft, files.docx_bytes(), "a.docx")
    assert error.extra["code"] == "format_not_allowed"
    assert error.message == "This file type is not accepted. Upload one of: PDF document."
    assert "Upload one of: PDF document." in refused(draft, files.png_bytes(), "a.png").message


# ------------------------------------------------------------------------ the ticket must take it
def test_the_same_file_twice_on_one_ticket_is_refused_by_name(draft):
    upload(draft, files.pdf_bytes(), "first.pdf")
    error = refused(draft, files.pdf_bytes(), "again.pdf", tier="core")
    assert error.extra["code"] == "duplicate"
    assert error.message == "This file is already attached to this ticket, as “first.pdf”."
    assert EvidenceFile.objects.count() == 1


def test_the_same_file_on_two_tickets_is_fine(draft):
    other = TicketFactory()
    upload(draft, files.pdf_bytes())
    upload(other, files.pdf_bytes())
    assert EvidenceFile.objects.count() == 2


@pytest.mark.parametrize(
    "status",
    [TicketStatus.DRAFT, TicketStatus.SUBMITTED, TicketStatus.RECEIVED, TicketStatus.WAITING_ON_REQUESTER],
)
def test_an_open_ticket_takes_evidence(status):
    ticket = TicketFactory(status=status)
    assert upload(ticket, files.pdf_bytes()).ticket == ticket


def test_an_assigned_ticket_takes_evidence_from_its_agent(agent_of):
    ticket = TicketFactory()
    agent = agent_of(ticket)
    ticket.status, ticket.assignee = TicketStatus.ASSIGNED, agent
    ticket.save(update_fields=["status", "assignee"])
    evidence = upload(ticket, files.pdf_bytes(), by=agent, tier="supplementary")
    assert evidence.uploaded_by == agent


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (TicketStatus.APPROVED, "approved: complaint withdrawn"),
        (TicketStatus.REFUSED, "refused"),
        (TicketStatus.ROUTED, "sent to another route"),
        (TicketStatus.EXPIRED, "expired"),
        (TicketStatus.CANCELLED, "cancelled by the requester"),
    ],
)
def test_a_decided_or_closed_ticket_takes_no_more_evidence(status, label):
    ticket = TicketFactory(status=status)
    error = refused(ticket, files.pdf_bytes())
    assert error.extra == {"code": "ticket_closed", "status": status}
    assert error.message == f"Evidence can no longer be added: this ticket is {label}."


def test_a_ticket_closed_while_the_file_was_being_checked_takes_nothing(draft):
    """The state is checked again under the lock, after the (slow) content checks."""
    from apps.tickets.models import WithdrawalTicket

    WithdrawalTicket.objects.filter(pk=draft.pk).update(status=TicketStatus.CANCELLED)
    # `draft` in memory still says draft: the first, unlocked check passes; the locked one refuses.
    error = refused(draft, files.pdf_bytes())
    assert error.extra["code"] == "ticket_closed"


def test_someone_elses_ticket_takes_nothing_from_them(draft, outside_agent):
    for stranger in (UserFactory(), outside_agent):
        error = refused(draft, files.pdf_bytes(), by=stranger)
        assert error.extra == {"code": "not_allowed"}


# ---------------------------------------------------------------------------------- file names
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\张伟\\Desktop\\和解协议.pdf", "和解协议.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bad\r\nname\x00.pdf", "badname.pdf"),
        ("   ", "evidence"),
        ("长" * 300 + ".docx", "长" * 250 + ".docx"),
    ],
)
def test_the_original_name_keeps_only_the_files_own_name(given, kept):
    assert original_name_clean(given) == kept


def test_the_cleaned_name_is_what_is_stored(draft):
    evidence = upload(draft, files.pdf_bytes(), "C:\\fakepath\\设备 信息.pdf")
    assert evidence.original_name == "设备 信息.pdf"



@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_file_sent_twice_at_once_lands_once(monkeypatch):
    """Both uploads pass the content checks together; the ticket lock lets one in, the other is told."""
    import threading

    from django.db import connection

    from apps.evidence import services

    ticket = TicketFactory()
    both_checked = threading.Barrier(2, timeout=30)
    real_sniff = services.evidence_sniff_bounded

    def sniff_together(*args, **kwargs):
        result = real_sniff(*args, **kwargs)
        both_checked.wait()
        return result

    monkeypatch.setattr(services, "evidence_sniff_bounded", sniff_together)
    outcomes: list[str] = []

    def send(name: str) -> None:
        try:
            upload(ticket, files.pdf_bytes("twice"), name)
            outcomes.append("stored")
        except ApplicationError as error:
            outcomes.append(error.extra["code"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("a.pdf", "b.pdf")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["duplicate", "stored"]
    assert EvidenceFile.objects.filter(ticket=ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EVIDENCE_ADDED).count() == 1

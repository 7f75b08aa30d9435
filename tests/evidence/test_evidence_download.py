"""GET evidence/<pk>/: the file for those who may see its ticket, in a form no browser will run."""

from urllib.parse import quote

import pytest
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from apps.evidence.views import content_disposition
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import TicketFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.evidence.urls")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_url_is_named_and_mounted_under_evidence():
    assert reverse("evidence:download", kwargs={"pk": 7}) == "/evidence/7/"


def test_a_requester_opens_their_pdf_in_the_browser(draft):
    content = files.pdf_bytes()
    evidence = upload(draft, content, "和解协议.pdf")

    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))

    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == (
        f"inline; filename=\"evidence-{evidence.pk}.pdf\"; filename*=UTF-8''{quote('和解协议.pdf')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert response["Cache-Control"] == "private, no-store"


def test_a_word_document_is_downloaded_never_shown(draft):
    evidence = upload(draft, files.docx_with_png(), "screenshot.docx")
    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="screenshot.docx"'
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_download_name_ends_in_what_the_file_really_is(draft):
    evidence = upload(draft, files.docx_bytes(), "agreement.pdf")
    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response["Content-Disposition"] == 'attachment; filename="agreement.pdf.docx"'


def test_head_is_answered_like_get(draft):
    evidence = upload(draft, files.pdf_bytes())
    response = client_for(draft.requester).head(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_writing_methods_are_refused(draft):
    evidence = upload(draft, files.pdf_bytes())
    response = client_for(draft.requester).post(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 405


def test_someone_elses_file_is_not_found(draft):
    evidence = upload(draft, files.pdf_bytes())
    response = client_for(UserFactory()).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 404


def test_an_unknown_file_is_not_found_either(draft):
    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": 999999}))
    assert response.status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(draft, settings):
    evidence = upload(draft, files.pdf_bytes())
    url = reverse("evidence:download", kwargs={"pk": evidence.pk})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


def test_agents_in_scope_and_supervisors_may_download_others_may_not(agent_of, outside_agent, supervisor):
    ticket = TicketFactory()
    agent = agent_of(ticket)
    evidence = upload(ticket, files.pdf_bytes())
    url = reverse("evidence:download", kwargs={"pk": evidence.pk})
    assert client_for(agent).get(url).status_code == 200
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(outside_agent).get(url).status_code == 404


def test_a_stored_file_gone_missing_is_not_found_not_a_crash(draft, settings):
    evidence = upload(draft, files.pdf_bytes())
    (settings.PRIVATE_MEDIA_ROOT / evidence.file.name).unlink()
    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 404


def test_a_file_erased_at_the_end_of_its_retention_is_not_found_not_a_crash(draft):
    evidence = upload(draft, files.pdf_bytes())
    type(evidence).objects.filter(pk=evidence.pk).update(file="")  # what the retention run leaves
    response = client_for(draft.requester).get(reverse("evidence:download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", 'inline; filename="report.pdf"'),
        (
            "设备信息.pdf",
            "inline; filename=\"evidence-1.pdf\"; filename*=UTF-8''%E8%AE%BE%E5%A4%87%E4%BF%A1%E6%81%AF.pdf",
        ),
        ("IMEI 截图.pdf", "inline; filename=\"IMEI.pdf\"; filename*=UTF-8''IMEI%20%E6%88%AA%E5%9B%BE.pdf"),
        ('a"b;c\\d.pdf', "inline; filename=\"abcd.pdf\"; filename*=UTF-8''a%22b%3Bc%5Cd.pdf"),
        ("no extension", 'inline; filename="no extension"'),
    ],
)
def test_the_content_disposition_gives_old_clients_an_ascii_name_and_new_ones_the_real_one(name, expected):
    assert content_disposition("inline", name, fallback_stem="evidence-1") == expected

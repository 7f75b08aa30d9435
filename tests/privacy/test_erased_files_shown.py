"""A file erased at the end of its retention period reads as erased on every page, never as an empty link."""

from datetime import timedelta

import pytest

from apps.accounts.roles import REQUESTER, SUPERVISOR
from apps.conversation.models import Attachment
from apps.conversation.services import attachment_file_as_evidence
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import EvidenceTier
from apps.privacy.models import DataKind, RetentionPolicy
from apps.privacy.retention import retention_kind_run
from apps.tickets.models import TicketStatus
from tests.privacy.conftest import agent_with, person, requester_with_phone, shanghai, ticket_with_data

pytestmark = pytest.mark.django_db
CLOSED = shanghai("2026-01-10 15:00")
ERASED = "File erased when its retention period ended"


@pytest.fixture
def erased():
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    policy = RetentionPolicy.objects.get(kind=DataKind.EVIDENCE_FILES)
    assert retention_kind_run(policy=policy, now=CLOSED + timedelta(days=366)).rows_affected == 2
    return loaded


def page(client, user, path: str) -> str:
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_requester_sees_the_chat_s_file_as_erased(client, erased):
    text = page(client, erased.ticket.requester, f"/tickets/{erased.ticket.reference}/")
    assert text.count(ERASED) == 1  # the chat (a closed ticket has no evidence card)
    assert f"/evidence/{erased.evidence.pk}/" not in text
    assert f"/attachments/{erased.attachment.pk}" not in text


def test_staff_see_both_files_as_erased(client, erased):
    supervisor = agent_with(role=SUPERVISOR)
    text = page(client, supervisor, f"/workspace/case/{erased.ticket.reference}/")
    assert text.count(ERASED) == 2  # the evidence table and the thread
    assert f"/evidence/{erased.evidence.pk}/" not in text
    assert f"/attachments/{erased.attachment.pk}/" not in text


def test_an_erased_attachment_is_not_filed_as_evidence(erased):
    agent = agent_with()
    loaded = ticket_with_data(requester=person(REQUESTER), closed_at=CLOSED, status=TicketStatus.ASSIGNED,
                              agent=agent)
    Attachment.objects.filter(pk=loaded.attachment.pk).update(file="", original_name="")
    with pytest.raises(ApplicationError) as refused:
        attachment_file_as_evidence(attachment_id=loaded.attachment.pk, agent=agent,
                                    tier=EvidenceTier.objects.first())
    assert refused.value.extra["code"] == "erased"
    assert "保存期满时删除" in refused.value.message  # the default language
    assert not EvidenceFile.objects.filter(ticket=loaded.ticket).exclude(pk=loaded.evidence.pk).exists()


def test_the_api_says_a_file_was_erased(client, erased):
    client.force_login(erased.ticket.requester)
    reference = erased.ticket.reference
    thread = client.get(f"/api/v1/tickets/{reference}/messages", HTTP_ACCEPT_LANGUAGE="en").json()
    (file,) = [a for m in thread["results"] for a in m["attachments"]]
    assert (file["erased"], file["name"]) == (True, "")
    assert client.get(file["download_url"]).status_code == 404

    staff = agent_with(role=SUPERVISOR)
    client.force_login(staff)
    (evidence,) = client.get(f"/api/v1/tickets/{reference}/evidence").json()
    assert (evidence["erased"], evidence["original_name"]) == (True, "")
    assert client.get(evidence["download_url"]).status_code == 404

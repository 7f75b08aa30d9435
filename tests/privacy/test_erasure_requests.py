"""A requester asks for their closed tickets' data to be erased; a supervisor approves or rejects it."""

import pytest
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.roles import SUPERVISOR
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.privacy.models import ErasureRequest, ErasureRun, ErasureStatus, ErasureTrigger
from apps.tickets.models import Letter, TicketStatus, WithdrawalTicket
from tests.privacy.conftest import (
    LETTER_BODY,
    PHONE,
    agent_with,
    person,
    requester_with_phone,
    shanghai,
    ticket_with_data,
)

pytestmark = pytest.mark.django_db
PAGE = "/my-data/"
ASK = "/my-data/erasure/"
QUEUE = "/workspace/erasure-requests/"
CLOSED = shanghai("2026-10-01 10:00")


def decide_url(request: ErasureRequest) -> str:
    return f"/workspace/erasure-requests/{request.pk}/decide/"


def test_a_requester_asks_and_a_supervisor_approves(as_user, client):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    page = as_user(requester).get(PAGE)
    assert page.status_code == 200 and loaded.ticket.reference in page.content.decode()

    response = client.post(ASK, {"ticket": [loaded.ticket.reference]})
    assert response.status_code == 302
    [request] = ErasureRequest.objects.all()
    assert request.status == ErasureStatus.REQUESTED
    assert "waiting for a supervisor" in client.get(PAGE).content.decode()

    supervisor = person(SUPERVISOR, display_name="Lead Wang")
    queue = as_user(supervisor).get(QUEUE)
    assert queue.status_code == 200 and loaded.ticket.reference in queue.content.decode()
    response = client.post(decide_url(request), {"decision": "approve", "reason": "Closed for months."})
    assert response.status_code == 302

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.reason) == (ErasureStatus.DONE, supervisor,
                                                                     "Closed for months.")
    assert Letter.objects.get(ticket=loaded.ticket).body == ""
    assert EvidenceFile.objects.get(pk=loaded.evidence.pk).file.name == ""
    assert IdentityVerificationAttempt.objects.get(pk=loaded.attempt.pk).ip_address is None
    assert User.objects.get(pk=requester.pk).phone == PHONE  # they still sign in to see the outcome
    runs = ErasureRun.objects.filter(request=request)
    assert runs.count() == 4 and {r.trigger for r in runs} == {ErasureTrigger.REQUEST}

    client.force_login(requester)
    text = client.get(PAGE).content.decode()
    assert "erased" in text and "Closed for months." in text


def test_a_rejection_keeps_the_data_and_tells_the_reason(as_user, client):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    as_user(requester).post(ASK, {"ticket": [loaded.ticket.reference]})
    request = ErasureRequest.objects.get()
    as_user(person(SUPERVISOR)).post(decide_url(request), {"decision": "reject",
                                                           "reason": "A court case is pending."})
    request.refresh_from_db()
    assert request.status == ErasureStatus.REJECTED
    assert Letter.objects.get(ticket=loaded.ticket).body == LETTER_BODY
    client.force_login(requester)
    assert "A court case is pending." in client.get(PAGE).content.decode()


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Only closed tickets can be erased; {ref} is still open."),
    ("zh-hans", "只能删除已结束工单的数据；{ref} 仍在处理中。"),
])
def test_an_open_ticket_is_refused_in_both_languages(as_user, language, message):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED, status=TicketStatus.RECEIVED)
    client = as_user(requester)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    with translation.override(language):
        response = client.post(ASK, {"ticket": [loaded.ticket.reference]})
    assert response.status_code == 400
    assert message.format(ref=loaded.ticket.reference) in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_asking_twice_or_for_nothing_or_for_someone_elses_ticket_is_refused(as_user):
    requester = requester_with_phone()
    mine = ticket_with_data(requester=requester, closed_at=CLOSED)
    theirs = ticket_with_data(requester=requester_with_phone("13600000000"), closed_at=CLOSED)
    client = as_user(requester)
    assert client.post(ASK, {}).status_code == 400
    not_mine = client.post(ASK, {"ticket": [theirs.ticket.reference]})
    assert not_mine.status_code == 400 and "There is no such ticket." in not_mine.content.decode()
    assert client.post(ASK, {"ticket": [mine.ticket.reference]}).status_code == 302
    again = client.post(ASK, {"ticket": [mine.ticket.reference]})
    assert again.status_code == 400 and "already asked" in again.content.decode()
    assert ErasureRequest.objects.count() == 1


def test_a_ticket_reopened_before_approval_is_not_erased(as_user):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    as_user(requester).post(ASK, {"ticket": [loaded.ticket.reference]})
    agent = agent_with()
    WithdrawalTicket.objects.filter(pk=loaded.ticket.pk).update(status=TicketStatus.ASSIGNED, assignee=agent)
    request = ErasureRequest.objects.get()
    response = as_user(person(SUPERVISOR)).post(decide_url(request), {"decision": "approve", "reason": "ok"})
    assert response.status_code == 400 and "reopened" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
    assert Letter.objects.get(ticket=loaded.ticket).body == LETTER_BODY


def test_a_decision_needs_a_reason_and_happens_once(as_user):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    as_user(requester).post(ASK, {"ticket": [loaded.ticket.reference]})
    request = ErasureRequest.objects.get()
    client = as_user(person(SUPERVISOR))
    missing = client.post(decide_url(request), {"decision": "approve", "reason": "  "})
    assert missing.status_code == 400 and "Give the reason" in missing.content.decode()
    assert client.post(decide_url(request), {"decision": "reject", "reason": "no"}).status_code == 302
    assert client.post(decide_url(request), {"decision": "approve", "reason": "yes"}).status_code == 409
    request.refresh_from_db()
    assert request.status == ErasureStatus.REJECTED


def test_who_may_do_what(client, as_user):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    as_user(requester).post(ASK, {"ticket": [loaded.ticket.reference]})
    request = ErasureRequest.objects.get()
    client.logout()

    # Anonymous: the portal sends them to the SMS sign-in, the workspace to the staff login.
    assert "/sign-in/" in client.get(PAGE)["Location"]
    assert "/sign-in/" in client.post(ASK, {"ticket": [loaded.ticket.reference]})["Location"]
    assert "login" in client.get(QUEUE)["Location"]
    assert "login" in client.post(decide_url(request), {"decision": "approve", "reason": "x"})["Location"]

    # An agent: no portal pages of their own data, no erasure queue.
    agent_client = as_user(agent_with())
    assert agent_client.get(PAGE).status_code == 403
    assert agent_client.post(ASK, {"ticket": [loaded.ticket.reference]}).status_code == 403
    assert agent_client.get(QUEUE).status_code == 403
    assert agent_client.post(decide_url(request), {"decision": "approve", "reason": "x"}).status_code == 403

    # The requester: may not decide their own request.
    requester_client = as_user(requester)
    assert requester_client.get(QUEUE).status_code == 403
    own = requester_client.post(decide_url(request), {"decision": "approve", "reason": "x"})
    assert own.status_code == 403

    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
    assert ErasureRequest.objects.count() == 1

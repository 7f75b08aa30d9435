"""GET/POST /tickets/<ref>/messages and GET /attachments/<id>/download: who may, notes, input, reads."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.roles import AGENT
from apps.api.services import integration_agent_get_or_create
from apps.casework.services import ticket_assign
from apps.conversation.models import MESSAGE_MAX_LENGTH, Attachment, AuthorRole, Message, MessageKind
from apps.conversation.services import Upload, message_post, note_post
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_revoke
from apps.policy.models import Platform
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, TicketEvent
from tests.api.conftest import issue, key_client, person_client, url
from tests.evidence.files import docx_bytes, elf_executable, pdf_bytes
from tests.factories import AgentProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Requester sounded unsure; check the agreement's date before approving."


def all_but(*scopes: str) -> list[str]:
    return [value for value in Scope.values if value not in scopes]


def messages_url(ticket) -> str:
    return url("ticket_messages", reference=ticket.reference)


def pdf_upload(name: str = "agreement.pdf", title: str = "和解协议") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(title), content_type="application/pdf")


@pytest.fixture
def assigned(received, agent, frozen):
    """The WeChat ticket, held by agent-li."""
    return ticket_assign(ticket_id=received.pk, agent=agent, actor=agent)


@pytest.fixture
def colleague(db, wechat, content_type):
    """Another WeChat agent: sees the ticket, does not hold it."""
    user = UserFactory(username="agent-zhou")
    user.groups.add(Group.objects.get(name=AGENT))
    profile = AgentProfileFactory(user=user)
    profile.platforms.set([wechat])
    profile.complaint_types.set([content_type])
    return user


@pytest.fixture
def alipay_agent(db):
    user = UserFactory(username="agent-alipay")
    user.groups.add(Group.objects.get(name=AGENT))
    AgentProfileFactory(user=user).platforms.set([Platform.objects.get(code="alipay")])
    return user


@pytest.fixture
def thread(assigned, agent):
    """A message each way and an internal note with a file."""
    requester_message = message_post(
        ticket_id=assigned.pk,
        author=assigned.requester,
        role=AuthorRole.REQUESTER,
        body="Hello, I settled with the seller.",
    )
    agent_message = message_post(
        ticket_id=assigned.pk, author=agent, role=AuthorRole.AGENT, body="Thanks, please send the agreement."
    )
    note = note_post(
        ticket_id=assigned.pk,
        author=agent,
        body=NOTE_TEXT,
        uploads=[Upload(file=pdf_upload("call-notes.pdf", "note"), name="call-notes.pdf")],
    )
    return requester_message, agent_message, note


# ------------------------------------------------------------------------------ who may


def test_the_requester_writes_and_reads_their_own_thread(received, frozen):
    client = person_client(received.requester)
    posted = client.post(messages_url(received), {"body": "  I settled with the seller.  "}, format="json")
    assert posted.status_code == 201, posted.json()
    body = posted.json()
    assert body["kind"] == "message" and body["body"] == "I settled with the seller."
    assert body["author"]["role"] == "requester"
    assert body["attachments"] == [] and body["read_at"] is None and body["answers_request"] is False
    message = Message.objects.get(pk=body["id"])
    assert (message.author, message.author_role) == (received.requester, AuthorRole.REQUESTER)

    listed = client.get(messages_url(received))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]


def test_another_requester_gets_404_both_ways(received, requester, frozen):
    client = person_client(requester)
    assert client.get(messages_url(received)).status_code == 404
    assert client.post(messages_url(received), {"body": "hi"}, format="json").status_code == 404
    assert not Message.objects.exists()


def test_the_assigned_agent_writes_as_the_agent(assigned, agent):
    posted = person_client(agent).post(
        messages_url(assigned), {"body": "Please send the agreement."}, format="json"
    )
    assert posted.status_code == 201, posted.json()
    assert posted.json()["author"] == {"role": "agent", "name": str(agent)}


def test_an_agent_in_scope_who_does_not_hold_it_reads_and_notes_but_may_not_message(
    assigned, colleague, thread
):
    client = person_client(colleague)
    listed = client.get(messages_url(assigned))
    assert listed.status_code == 200
    assert [row["kind"] for row in listed.json()["results"]] == ["message", "message", "note"]

    refused = client.post(messages_url(assigned), {"body": "Hello from a colleague"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["extra"]["code"] == "not_assignee"

    noted = client.post(messages_url(assigned), {"body": "Seen it too.", "kind": "note"}, format="json")
    assert noted.status_code == 201, noted.json()
    assert noted.json()["kind"] == "note" and noted.json()["author"]["role"] == "agent"


def test_an_agent_of_another_platform_gets_404(assigned, alipay_agent, thread):
    client = person_client(alipay_agent)
    assert client.get(messages_url(assigned)).status_code == 404
    assert (
        client.post(messages_url(assigned), {"body": "x", "kind": "note"}, format="json").status_code == 404
    )


def test_a_key_of_the_ticket_s_platform_writes_as_its_integration(api, crm, received, frozen):
    posted = api.post(messages_url(received), {"body": "Your refund was issued."}, format="json")
    assert posted.status_code == 201, posted.json()
    assert posted.json()["author"] == {"role": "integration", "name": "WeChat CRM"}
    message = Message.objects.get(pk=posted.json()["id"])
    # The service user every other write of the key acts as, and the label the timeline shows.
    assert message.author == integration_agent_get_or_create(integration=crm)
    assert (message.author_role, message.author_label) == (AuthorRole.INTEGRATION, "api:WeChat CRM")
    event = TicketEvent.objects.get(ticket=received, kind=EventKind.MESSAGE_POSTED)
    assert (event.to_value, event.actor_label, event.data) == (
        "integration",
        "api:WeChat CRM",
        {"message_id": message.pk, "attachments": 0},
    )


def test_a_key_of_another_platform_gets_404(other_crm, received, thread):
    client = key_client(issue(other_crm)[1])
    for response in (
        client.get(messages_url(received)),
        client.post(messages_url(received), {"body": "x"}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "extra": {}}


def test_keys_need_the_tickets_scopes(crm, received, frozen):
    reader = key_client(issue(crm, *all_but(Scope.TICKETS_READ))[1]).get(messages_url(received))
    assert reader.status_code == 403
    assert reader.json()["message"] == "This API key lacks the scope tickets:read."
    writer = key_client(issue(crm, *all_but(Scope.TICKETS_WRITE))[1]).post(
        messages_url(received), {"body": "x"}, format="json"
    )
    assert writer.status_code == 403
    assert writer.json()["message"] == "This API key lacks the scope tickets:write."
    assert not Message.objects.exists()


def test_no_key_or_a_revoked_one_is_refused(crm, received, frozen):
    assert APIClient().get(messages_url(received)).status_code in (401, 403)
    assert APIClient().post(messages_url(received), {"body": "x"}, format="json").status_code in (401, 403)
    key, plain = issue(crm)
    api_key_revoke(key=key, actor=None)
    assert key_client(plain).get(messages_url(received)).status_code == 401
    assert key_client(plain).post(messages_url(received), {"body": "x"}, format="json").status_code == 401


# ------------------------------------------------------------------------------ notes


def test_the_requester_never_gets_a_note_in_the_thread_the_events_or_a_download(assigned, thread):
    requester_message, agent_message, note = thread
    client = person_client(assigned.requester)

    listed = client.get(messages_url(assigned))
    assert [row["id"] for row in listed.json()["results"]] == [requester_message.pk, agent_message.pk]
    assert NOTE_TEXT not in listed.content.decode()

    events = client.get(url("ticket_events", reference=assigned.reference))
    assert events.status_code == 200
    assert NOTE_TEXT not in events.content.decode()
    assert [row["kind"] for row in events.json()].count("message_posted") == 2
    # A note records no event at all: nothing for any channel to carry.
    assert not [e for e in TicketEvent.objects.filter(ticket=assigned) if e.data.get("message_id") == note.pk]

    note_file = note.attachments.get()
    assert client.get(url("attachment_download", pk=note_file.pk)).status_code == 404


def test_the_requester_lists_the_events_of_their_thread_and_a_key_lists_them_all(crm, assigned, thread):
    staff_only = [EventKind.CONTACT_LOGGED, EventKind.IDENTITY_ATTEMPT, EventKind.PERSONAL_DATA_REVEALED,
                  EventKind.NOTE, EventKind.NOTICE_SENT, EventKind.NOTICE_FAILED]
    for kind in staff_only:
        event_record(ticket=assigned, kind=kind, actor_label="test")

    mine = person_client(assigned.requester).get(url("ticket_events", reference=assigned.reference))
    assert mine.status_code == 200
    assert [row["kind"] for row in mine.json()] == ["assigned", "message_posted", "message_posted"]

    everything = key_client(issue(crm)[1]).get(url("ticket_events", reference=assigned.reference))
    kinds = [row["kind"] for row in everything.json()]
    assert kinds == list(TicketEvent.objects.filter(ticket=assigned).order_by("occurred_at", "id")
                         .values_list("kind", flat=True))
    assert set(staff_only) <= set(kinds)


def test_the_requester_may_not_write_a_note(received, frozen):
    refused = person_client(received.requester).post(
        messages_url(received), {"body": "secret", "kind": "note"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only customer service can write internal notes."
    assert not Message.objects.exists()


def test_a_key_without_the_notes_scope_neither_sees_nor_writes_notes(crm, assigned, thread):
    _requester_message, _agent_message, note = thread
    client = key_client(issue(crm, *all_but(Scope.NOTES))[1])

    listed = client.get(messages_url(assigned))
    assert listed.status_code == 200
    assert [row["kind"] for row in listed.json()["results"]] == ["message", "message"]
    assert NOTE_TEXT not in client.get(url("ticket_events", reference=assigned.reference)).content.decode()
    assert client.get(url("attachment_download", pk=note.attachments.get().pk)).status_code == 404

    refused = client.post(messages_url(assigned), {"body": "internal", "kind": "note"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "This API key may not write internal notes: it lacks the scope notes."
    assert Message.objects.filter(kind=MessageKind.NOTE).count() == 1


def test_a_key_with_the_notes_scope_reads_and_writes_notes(crm, assigned, thread):
    client = key_client(issue(crm, Scope.TICKETS_READ, Scope.TICKETS_WRITE, Scope.NOTES)[1])
    listed = client.get(messages_url(assigned))
    assert [row["kind"] for row in listed.json()["results"]] == ["message", "message", "note"]
    assert listed.json()["results"][2]["read_at"] is None

    events_before = TicketEvent.objects.filter(ticket=assigned).count()
    noted = client.post(
        messages_url(assigned), {"body": "Platform: refund confirmed.", "kind": "note"}, format="json"
    )
    assert noted.status_code == 201, noted.json()
    assert noted.json()["author"]["role"] == "agent"
    note = Message.objects.get(pk=noted.json()["id"])
    assert note.author == integration_agent_get_or_create(integration=crm)
    assert TicketEvent.objects.filter(ticket=assigned).count() == events_before


# ------------------------------------------------------------------------------ input


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "body", "Write a message or attach a file."),
        ({"body": "   "}, "body", "Write a message or attach a file."),
        (
            {"body": "x" * (MESSAGE_MAX_LENGTH + 1)},
            "body",
            f"Ensure this field has no more than {MESSAGE_MAX_LENGTH} characters.",
        ),
        ({"body": 5}, "body", "“body” must be a string, not a number."),
        ({"body": None}, "body", "This field may not be null."),
        ({"body": "hi", "kind": 1}, "kind", "“kind” must be a string, not a number."),
        ({"body": "hi", "kind": "memo"}, "kind", '"memo" is not a valid choice.'),
        (
            {"body": "hi", "answers_request": "true"},
            "answers_request",
            "“answers_request” must be a boolean (true or false), not a string.",
        ),
        (
            {"body": "hi", "attachments": ["JVBERi0="]},
            "attachments",
            "Send files in a multipart/form-data request, not in JSON.",
        ),
    ],
)
def test_bad_json_is_a_400_naming_the_field(api, received, frozen, payload, field, message):
    response = api.post(messages_url(received), payload, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["extra"]["fields"][field] == [message]
    assert not Message.objects.exists()


def test_six_files_are_refused_before_any_is_read(api, received, frozen):
    files = [pdf_upload(f"page-{number}.pdf", f"page {number}") for number in range(6)]
    response = api.post(
        messages_url(received), {"body": "all pages", "attachments": files}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["attachments"] == [
        "Attach at most 5 files to one message; send the others in another."
    ]
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_a_refused_file_gets_the_evidence_check_s_message_and_nothing_is_written(api, received, frozen):
    program = elf_executable()
    as_evidence = api.post(
        url("ticket_evidence", reference=received.reference),
        {"file": SimpleUploadedFile("tool.pdf", program), "tier": "core"},
        format="multipart",
    )
    assert as_evidence.status_code == 400
    response = api.post(
        messages_url(received),
        {"body": "see the file", "attachments": [pdf_upload(), SimpleUploadedFile("tool.pdf", program)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["message"] == f"“tool.pdf”: {as_evidence.json()['message']}"
    assert list(response.json()["extra"]["fields"]) == ["attachments"]
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_multipart_takes_several_files_and_the_flag_as_text(received, frozen):
    client = person_client(received.requester)
    response = client.post(
        messages_url(received),
        {
            "body": "The agreement and a screenshot.",
            "answers_request": "false",
            "attachments": [pdf_upload(), SimpleUploadedFile("screenshot.docx", docx_bytes("截图"))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    files = response.json()["attachments"]
    assert [(f["name"], f["type"], f["evidence_id"]) for f in files] == [
        ("agreement.pdf", "application/pdf", None),
        ("screenshot.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None),
    ]
    assert files[0]["download_url"] == url("attachment_download", pk=files[0]["id"])
    assert Attachment.objects.get(pk=files[0]["id"]).size == files[0]["size"]

    wrong = client.post(messages_url(received), {"body": "x", "answers_request": "yes"}, format="multipart")
    assert wrong.status_code == 400
    assert list(wrong.json()["extra"]["fields"]) == ["answers_request"]


def test_a_retry_with_the_same_idempotency_key_posts_once(api, received, frozen):
    def send():
        return api.post(
            messages_url(received),
            {"body": "Refund issued.", "attachments": [pdf_upload()]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="message-7f3a",
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Message.objects.count() == 1 and Attachment.objects.count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.MESSAGE_POSTED).count() == 1


def test_a_closed_ticket_s_thread_refuses_new_messages(api, received, frozen):
    received.status = "approved"
    received.save(update_fields=["status"])
    response = api.post(messages_url(received), {"body": "late"}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["code"] == "wrong_status"


# ------------------------------------------------------------------------------ reading


def test_the_thread_is_oldest_first_in_cursor_pages(api, assigned, agent, frozen):
    ids = []
    for number in range(5):
        frozen.advance(minutes=1)
        ids.append(
            message_post(
                ticket_id=assigned.pk, author=agent, role=AuthorRole.AGENT, body=f"message {number}"
            ).pk
        )
    seen, page_url = [], messages_url(assigned) + "?page_size=2"
    while page_url:
        page = api.get(page_url)
        assert page.status_code == 200, page.json()
        seen += [row["id"] for row in page.json()["results"]]
        page_url = page.json()["next"]
    assert seen == ids


def test_reading_as_the_requester_marks_customer_service_s_messages_read(assigned, thread, frozen):
    requester_message, agent_message, _note = thread
    client = person_client(assigned.requester)

    first_page = client.get(messages_url(assigned) + "?page_size=1")
    assert first_page.json()["next"] is not None
    agent_message.refresh_from_db()
    assert agent_message.requester_read_at is None  # the newest message was not on the page read

    client.get(messages_url(assigned))
    agent_message.refresh_from_db()
    requester_message.refresh_from_db()
    assert agent_message.requester_read_at == frozen.moment
    assert requester_message.staff_read_at is None

    again = client.get(messages_url(assigned)).json()["results"]
    assert again[1]["read_at"] is not None  # the requester's own read, on the agent's message


def test_only_the_assignee_s_read_marks_the_requester_s_messages_read(assigned, colleague, thread, frozen):
    requester_message, agent_message, _note = thread
    person_client(colleague).get(messages_url(assigned))
    requester_message.refresh_from_db()
    assert requester_message.staff_read_at is None

    person_client(assigned.assignee).get(messages_url(assigned))
    requester_message.refresh_from_db()
    agent_message.refresh_from_db()
    assert requester_message.staff_read_at == frozen.moment
    assert agent_message.requester_read_at is None


def test_a_key_reading_marks_nothing_read(api, assigned, thread):
    requester_message, agent_message, _note = thread
    assert api.get(messages_url(assigned)).status_code == 200
    requester_message.refresh_from_db()
    agent_message.refresh_from_db()
    assert requester_message.staff_read_at is None and agent_message.requester_read_at is None


def test_reading_a_thread_costs_the_same_queries_however_long_it_is(assigned, agent, frozen):
    client = person_client(assigned.requester)

    def write(count: int) -> None:
        for number in range(count):
            message_post(
                ticket_id=assigned.pk,
                author=agent,
                role=AuthorRole.AGENT,
                body=f"reply {number}",
                uploads=[Upload(file=pdf_upload(f"f{number}.pdf", f"file {number}"), name=f"f{number}.pdf")],
            )
            note_post(ticket_id=assigned.pk, author=agent, body=f"note {number}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(messages_url(assigned)).status_code == 200
        return len(captured)

    write(2)
    short = queries()
    write(10)
    assert queries() == short


def test_a_key_s_message_finds_and_locks_its_ticket_in_one_statement(api, received, frozen):
    """The lock among the key's platforms is the access check: the ticket is read once, locked."""
    assert api.post(messages_url(received), {"body": "first"}, format="json").status_code == 201

    def post() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert api.post(messages_url(received), {"body": "later"}, format="json").status_code == 201
        return [query["sql"] for query in captured if 'FROM "tickets_withdrawalticket"' in query["sql"]]

    reads = post()
    assert len(reads) == 1 and "FOR UPDATE" in reads[0]
    for _ in range(5):
        post()
    assert len(post()) == 1
    assert Message.objects.filter(ticket=received).count() == 8


def test_a_key_reads_a_thread_without_reading_the_ticket_apart(api, other_crm, received, thread):
    with CaptureQueriesContext(connection) as captured:
        listed = api.get(messages_url(received))
    assert listed.status_code == 200
    assert [m["body"] for m in listed.json()["results"]] == [m.body for m in thread]  # notes: every scope
    assert not [q for q in captured if q["sql"].lstrip().startswith('SELECT "tickets_withdrawalticket"')]

    # An empty page: the key's ticket answers an empty thread, another platform's a 404.
    Message.objects.filter(ticket=received).delete()
    empty = api.get(messages_url(received))
    assert (empty.status_code, empty.json()["results"]) == (200, [])
    other = key_client(issue(other_crm)[1]).get(messages_url(received))
    assert other.status_code == 404 and other.json() == {"message": "Not found.", "extra": {}}


# ------------------------------------------------------------------------------ downloads


def test_an_attachment_downloads_with_the_evidence_download_s_headers(
    api, other_crm, requester, received, frozen
):
    posted = api.post(
        messages_url(received), {"body": "", "attachments": [pdf_upload("协议.pdf")]}, format="multipart"
    )
    assert posted.status_code == 201, posted.json()
    path = posted.json()["attachments"][0]["download_url"]

    response = api.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E5%8D%8F%E8%AE%AE.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    assert person_client(received.requester).get(path).status_code == 200
    assert person_client(requester).get(path).status_code == 404
    assert key_client(issue(other_crm)[1]).get(path).status_code == 404
    no_read = key_client(issue(received.platform.integrations.get(), *all_but(Scope.TICKETS_READ))[1])
    assert no_read.get(path).status_code == 403


def test_an_agent_reads_a_note_s_file(assigned, agent, thread):
    note_file = thread[2].attachments.get()
    response = person_client(agent).get(url("attachment_download", pk=note_file.pk))
    assert response.status_code == 200


def test_a_message_older_than_the_page_is_reached_by_the_previous_link(api, assigned, agent, frozen):
    for number in range(3):
        frozen.advance(minutes=1)
        message_post(ticket_id=assigned.pk, author=agent, role=AuthorRole.AGENT, body=f"m{number}")
    first = api.get(messages_url(assigned) + "?page_size=2").json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]


def test_a_message_while_the_last_one_is_unread_costs_a_fixed_handful_of_statements(
    api, received, frozen, django_capture_on_commit_callbacks
):
    """The key with its platforms and service user, the ticket found and locked in one statement,
    the message with its event (one statement), the first unread message with whether the
    requester was told of it, and the webhook check."""
    api.post(messages_url(received), {"body": "Please send the agreement."}, format="json")
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        posted = api.post(messages_url(received), {"body": "PDF or Word will do."}, format="json")
    assert posted.status_code == 201
    transaction_control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [
        query["sql"] for query in queries.captured_queries if not query["sql"].startswith(transaction_control)
    ]
    assert len(statements) == 5, statements
    assert Message.objects.filter(ticket=received).count() == 2


# ------------------------------------------------------------------------------ the answer's shape


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_message_answers_as_its_schema_serializer_says(assigned, thread, frozen, language):
    """The API builds messages without DRF's fields (apps.api.apis.messages.message_data)."""
    from django.utils import timezone, translation

    from apps.api.apis.messages import MessageSerializer, message_data
    from apps.conversation.selectors import thread_messages

    Message.objects.filter(author_role=AuthorRole.REQUESTER).update(staff_read_at=frozen.moment)
    messages = list(thread_messages(ticket=assigned, staff=True))
    assert {message.kind for message in messages} == {MessageKind.MESSAGE, MessageKind.NOTE}
    assert any(message.files() for message in messages) and any(message.read_at for message in messages)
    with translation.override(language), timezone.override("Asia/Shanghai"):
        for message in messages:
            answered = message_data(message)
            raw = {**answered, "created_at": message.created_at, "read_at": message.read_at}
            expected = dict(MessageSerializer(raw).data)
            assert answered == expected
            assert list(answered) == list(expected)
            assert answered["created_at"].endswith("+08:00")

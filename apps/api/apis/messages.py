"""A ticket's conversation: its messages, the staff's internal notes, and the files sent with them.

Who writes as whom: the ticket's requester as the requester, a signed-in agent as the agent (the
thread's rules: they hold the ticket, or supervise), an API key as its integration through the
service user every other write of the key acts as (apps.api.services), named `api:<integration>`.
Notes are staff business: agents, and keys an administrator gave the `notes` scope; to anyone else
they do not exist.
"""

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.api.access import (
    WORK_PERMISSION,
    acting_agent,
    attachment_for_caller,
    request_person,
    sees_notes,
    ticket_for_caller,
)
from apps.api.base import ApiView, ApiWriteView
from apps.api.pagination import CURSOR_PARAMETERS, TicketCursorPagination, page_serializer
from apps.api.presenters import moment
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.conversation.models import MESSAGE_MAX_LENGTH, Attachment, AuthorRole, Message, MessageKind
from apps.conversation.selectors import thread_messages, thread_messages_by_number
from apps.conversation.services import MAX_ATTACHMENTS, Upload, message_post, note_post, thread_mark_read
from apps.core.errors import ApplicationError
from apps.core.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from apps.evidence.checks import DOCX_MIME, PDF_MIME
from apps.evidence.views import stored_file_response
from apps.integrations.permissions import api_key_of, integration_platform_ids
from apps.integrations.scopes import Scope
from apps.tickets.models import WithdrawalTicket

BODY_HELP = (
    f"The text, at most {MESSAGE_MAX_LENGTH} characters (trimmed); may be empty when files are attached."
)
KIND_HELP = "`note`: an internal note, for staff callers only (agents; keys with the `notes` scope)."
ANSWERS_HELP = (
    "Requesters only, on a ticket waiting for them: false says this message is a question, not the "
    "answer to the evidence request (by default it is the answer). Ignored for other authors."
)


# What the thread's endpoints read of the ticket: who may see and write, and whose reading marks.
THREAD_TICKET_COLUMNS = ("id", "reference", "platform_id", "requester_id", "assignee_id", "status")


class MessageCursorPagination(TicketCursorPagination):
    """A thread oldest first, by id: written under the ticket's lock, its ids follow its order."""

    ordering = "id"


class MessageAuthorSerializer(serializers.Serializer):
    role = StrictChoiceField(choices=AuthorRole.choices)
    name = StrictCharField()


class AttachmentSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField(help_text="The file's name as its sender gave it.")
    type = StrictCharField(help_text="What the content proved to be (application/pdf, a DOCX).")
    size = StrictIntegerField()
    evidence_id = StrictIntegerField(
        allow_null=True, help_text="The evidence file an agent filed it as, if any."
    )
    download_url = StrictCharField()
    erased = StrictBooleanField(
        help_text="The file and its name were erased when their retention period ended; "
        "the download answers 404."
    )


class MessageSerializer(serializers.Serializer):
    id = StrictIntegerField()
    kind = StrictChoiceField(choices=MessageKind.choices)
    author = MessageAuthorSerializer()
    body = StrictCharField()
    created_at = serializers.DateTimeField()
    answers_request = StrictBooleanField(
        help_text="This requester's message answered an evidence request and resumed the clock."
    )
    attachments = AttachmentSerializer(many=True)
    read_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the other side read it: customer service for a requester's message, the "
        "requester for the others; null for a note.",
    )


MessagePageSerializer = page_serializer(MessageSerializer, "MessagePage")

MESSAGE_EXAMPLE = {
    "id": 731,
    "kind": "message",
    "author": {"role": "agent", "name": "李娜"},
    "body": "请上传双方签字的和解协议（PDF）。",
    "created_at": "2026-11-24T10:05:00+08:00",
    "answers_request": False,
    "attachments": [
        {
            "id": 58,
            "name": "和解协议.pdf",
            "type": "application/pdf",
            "size": 48213,
            "evidence_id": None,
            "download_url": "/api/v1/attachments/58/download",
            "erased": False,
        }
    ],
    "read_at": None,
}


def attachment_data(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "type": attachment.detected_type,
        "size": attachment.size,
        "evidence_id": attachment.evidence_id,
        "download_url": reverse("api:attachment_download", kwargs={"pk": attachment.pk}),
        "erased": attachment.erased,
    }


def message_data(message: Message) -> dict[str, Any]:
    """A message as MessageSerializer describes it; its author and files loaded along with it.

    Answered as it is, without the serializer's fields (building them cost a tenth of a post and
    more of a thread page); a test in tests/api/test_messages.py holds the two equal.
    """
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": {"role": message.author_role, "name": message.author_name},
        "body": message.body,
        "created_at": moment(message.created_at),
        "answers_request": message.answers_request,
        "attachments": [attachment_data(attachment) for attachment in message.files()],
        "read_at": moment(message.read_at),
    }


def _mark_read(request: Request, ticket: WithdrawalTicket, up_to_id: int | None) -> None:
    """The requester reading marks customer service's messages read; the assignee, the requester's.

    A key marks nothing: a platform syncing the thread is not a person reading it.
    """
    person = request_person(request)
    if person is None or api_key_of(request) is not None:
        return
    if person.pk == ticket.requester_id:
        thread_mark_read(ticket=ticket, by_requester=True, up_to_id=up_to_id)
    elif person.pk == ticket.assignee_id:
        thread_mark_read(ticket=ticket, by_requester=False, up_to_id=up_to_id)


def _writer(request: Request, ticket: WithdrawalTicket | None) -> tuple[User, AuthorRole, str]:
    """Who writes, in which role, under which label (a key's, whatever the ticket)."""
    key = api_key_of(request)
    if key is not None:
        return acting_agent(request), AuthorRole.INTEGRATION, key.integration.actor_label
    person = request_person(request)
    if person is None or ticket is None:
        raise PermissionDenied()
    if person.pk == ticket.requester_id:
        return person, AuthorRole.REQUESTER, ""
    if person.has_perm(WORK_PERMISSION):
        return person, AuthorRole.AGENT, ""
    raise Http404("No such ticket.")


class MessageInputSerializer(serializers.Serializer):
    body = StrictCharField(
        required=False, allow_blank=True, default="", max_length=MESSAGE_MAX_LENGTH, help_text=BODY_HELP
    )
    kind = StrictChoiceField(choices=MessageKind.choices, default=MessageKind.MESSAGE, help_text=KIND_HELP)
    answers_request = StrictBooleanField(required=False, help_text=ANSWERS_HELP)


class MessageUploadInputSerializer(serializers.Serializer):
    """The same as a form with files: form fields are text, so the flag is the text true or false."""

    body = StrictCharField(
        required=False, allow_blank=True, default="", max_length=MESSAGE_MAX_LENGTH, help_text=BODY_HELP
    )
    kind = StrictChoiceField(choices=MessageKind.choices, default=MessageKind.MESSAGE, help_text=KIND_HELP)
    answers_request = StrictChoiceField(choices=["true", "false"], required=False, help_text=ANSWERS_HELP)
    # The number is the service's to refuse, with its message, before any file is read.
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=f"Up to {MAX_ATTACHMENTS} files, each checked as evidence is: PDF, or DOCX for "
        "images, within the policy's size.",
    )


class TicketMessagesApi(ApiWriteView):
    """GET: the ticket's thread, oldest first. POST: write to it (JSON, or multipart with files)."""

    required_scopes = {"GET": Scope.TICKETS_READ.value, "POST": Scope.TICKETS_WRITE.value}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="tickets_messages_list",
        parameters=CURSOR_PARAMETERS,
        responses={200: MessagePageSerializer, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "A page",
                value={"next": None, "previous": None, "results": [MESSAGE_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, reference: str) -> Response:
        """Internal notes are listed for staff callers only; reading to the end marks the thread read."""
        platform_ids = integration_platform_ids(request)
        ticket = None
        if platform_ids is not None:
            # A key: its messages are read among its platforms' tickets, without reading the
            # ticket apart; a key marks nothing read. Only an empty page asks whether it exists.
            messages = thread_messages_by_number(
                reference=reference, platform_ids=platform_ids, staff=sees_notes(request, None)
            )
        else:
            ticket = ticket_for_caller(request, reference, only=THREAD_TICKET_COLUMNS)
            messages = thread_messages(ticket=ticket, staff=sees_notes(request, ticket))
        paginator = MessageCursorPagination()
        page = paginator.paginate_queryset(messages, request, view=self) or []
        if not page and ticket is None:
            ticket_for_caller(request, reference, only=("id",))  # 404 unless it is the key's
        rows = [message_data(message) for message in page]
        if ticket is not None and page and not paginator.has_next:
            # only what this page showed: a newer message stays unread
            _mark_read(request, ticket, up_to_id=max(message.pk for message in page))
        return paginator.get_paginated_response(rows)

    @extend_schema(
        operation_id="tickets_messages_create",
        request={
            "application/json": MessageInputSerializer,
            "multipart/form-data": MessageUploadInputSerializer,
        },
        responses={201: MessageSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        examples=[
            OpenApiExample(
                "A message",
                value={"body": "请上传双方签字的和解协议（PDF）。", "kind": "message"},
                request_only=True,
                media_type="application/json",
            ),
            OpenApiExample(
                "An internal note",
                value={"body": "Requester called: the agreement comes tomorrow.", "kind": "note"},
                request_only=True,
                media_type="application/json",
            ),
            OpenApiExample(
                "The message written", value=MESSAGE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request: Request, reference: str) -> Response:
        if api_key_of(request) is None and request_person(request) is None:
            raise Http404("No such ticket.")
        multipart = isinstance(request.data, MultiValueDict)
        if not multipart and isinstance(request.data, dict) and "attachments" in request.data:
            raise ValidationError(
                {"attachments": [gettext("Send files in a multipart/form-data request, not in JSON.")]}
            )
        serializer = MessageUploadInputSerializer if multipart else MessageInputSerializer
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        uploads = [Upload(file=file, name=file.name or "") for file in values.get("attachments", [])]
        answers = values.get("answers_request")
        answers_request = answers == "true" if isinstance(answers, str) else answers
        platform_ids = integration_platform_ids(request)
        if values["kind"] == MessageKind.MESSAGE and platform_ids is not None:
            # A key's message: the statement that locks the ticket among the key's platforms is
            # the access check, so the ticket is not read once more before it.
            author, role, label = _writer(request, None)
            try:
                message = message_post(
                    reference=reference, platform_ids=platform_ids, author=author, role=role,
                    body=values["body"], uploads=uploads, answers_request=answers_request,
                    author_label=label,
                )
            except ApplicationError as error:
                if error.extra.get("code") == "not_found":
                    raise Http404("No such ticket.") from error
                raise
            return Response(message_data(message), status=status.HTTP_201_CREATED)
        ticket = ticket_for_caller(request, reference, only=THREAD_TICKET_COLUMNS)
        author, role, label = _writer(request, ticket)
        if values["kind"] == MessageKind.NOTE:
            if not sees_notes(request, ticket):
                raise PermissionDenied(
                    gettext("This API key may not write internal notes: it lacks the scope notes.")
                    if api_key_of(request) is not None
                    else gettext("Only customer service can write internal notes.")
                )
            message = note_post(ticket_id=ticket.pk, author=author, body=values["body"], uploads=uploads)
        else:
            message = message_post(
                ticket_id=ticket.pk,
                author=author,
                role=role,
                body=values["body"],
                uploads=uploads,
                answers_request=answers_request,
                author_label=label,
            )
        return Response(message_data(message), status=status.HTTP_201_CREATED)


class AttachmentDownloadApi(ApiView):
    """A file sent with a message; a note's file only to those who read notes."""

    required_scopes = {"GET": Scope.TICKETS_READ.value}

    @extend_schema(
        operation_id="attachments_download",
        responses={
            (200, PDF_MIME): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF, shown inline."),
            (200, DOCX_MIME): OpenApiResponse(
                OpenApiTypes.BINARY, description="A Word document, as a download."
            ),
            **errors(404),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return stored_file_response(attachment_for_caller(request, pk), stem="attachment")

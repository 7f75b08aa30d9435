"""The requester's side of a ticket's conversation: write, get the coach's advice, open a file."""

from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import User
from apps.conversation.coach import message_advice
from apps.conversation.models import MESSAGE_MAX_LENGTH, Attachment, AuthorRole, MessageKind
from apps.conversation.services import Upload, message_post
from apps.core.errors import ApplicationError
from apps.evidence.views import stored_file_response
from apps.portal.access import own_ticket, requester_required
from apps.portal.views import ticket_page


def _answers_request(request: HttpRequest) -> bool | None:
    """Whether the message answers the evidence request: "Send my answer" does, "only a question" not."""
    answers = request.POST.get("answers")
    return None if answers is None else answers != "0"


@requester_required
@require_POST
def message_send(request: HttpRequest, reference: str) -> HttpResponse:
    """The requester writes to customer service, files attached; an answer to a request resumes the clock."""
    ticket = own_ticket(request, reference)
    body = request.POST.get("body", "")
    uploads = [Upload(file=file, name=file.name or "") for file in request.FILES.getlist("attachments")]
    try:
        message = message_post(
            ticket_id=ticket.pk, author=cast(User, request.user), role=AuthorRole.REQUESTER, body=body,
            uploads=uploads, answers_request=_answers_request(request),
        )
    except ApplicationError as error:
        ticket = own_ticket(request, reference)
        return ticket_page(request, ticket, composer_error=error, posted_body=body, status=400)
    if message.answers_request:
        messages.success(request, _("Thank you: your ticket is back with customer service."))
    else:
        messages.success(request, _("Your message is sent to customer service."))
    return redirect(reverse("portal:ticket_detail", kwargs={"reference": ticket.reference}) + "#composer")


@requester_required
@require_POST
def message_check(request: HttpRequest, reference: str) -> HttpResponse:
    """The coach's advice on a message as it is typed (JSON); advice only, nothing is saved or refused."""
    own_ticket(request, reference)
    text = request.POST.get("body", "")[:MESSAGE_MAX_LENGTH]
    return JsonResponse({"advice": message_advice(text=text)})


@requester_required  # type: ignore[arg-type]  # a file response is a streaming one, not an HttpResponse
@require_safe
def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A file sent in the requester's conversation (never one of an internal note); 404 for anyone else."""
    ticket = own_ticket(request, reference)
    attachment = Attachment.objects.filter(pk=pk, ticket=ticket, message__kind=MessageKind.MESSAGE).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return stored_file_response(attachment, stem="attachment")

"""The agent workspace: the queue, the case page and its actions, notifications.

Each action view parses the form, calls one casework service with the version the page showed,
and either redirects (success) or renders the case page again with the message, the ticket's new
state and everything that was typed (a refused or stale action loses nothing).
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from io import StringIO
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import User
from apps.casework import services as casework
from apps.casework.selectors import notifications_for, route_by_code
from apps.casework.services import notification_message
from apps.conversation.models import Attachment, AuthorRole
from apps.conversation.selectors import newest_message_id
from apps.conversation.services import (
    Upload,
    attachment_file_as_evidence,
    message_post,
    note_post,
    thread_mark_read,
)
from apps.core import clock
from apps.core.converters import id_from_text
from apps.core.errors import ApplicationError
from apps.evidence.views import stored_file_response
from apps.policy.models import DocumentRequirement, EvidenceTier
from apps.tickets.models import WithdrawalTicket
from apps.tickets.selectors import ticket_get_for_viewer
from apps.workspace.access import agent_required, supervisor_required, workspace_render
from apps.workspace.actions import CONFIRMED, confirmation_text
from apps.workspace.case import CaseView, case_view, reads_for_staff
from apps.workspace.reveals import (
    ACCESS_KIND_LABELS,
    access_log,
    reveal_agents,
    reveal_csv_rows,
    reveal_filter_parse,
)
from apps.workspace.reveals import PAGE_SIZE as REVEALS_PAGE_SIZE


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


@agent_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """A supervisor gives the chosen tickets to one agent (or back to the queue)."""
    ids = [pk for pk in map(id_from_text, request.POST.getlist("ticket")) if pk is not None]
    agent_id = id_from_text(request.POST.get("agent", ""))
    agent = User.objects.filter(pk=agent_id).first() if agent_id is not None else None
    try:
        result = casework.tickets_assign_bulk(ticket_ids=ids, agent=agent, actor=_me(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(done)s tickets assigned; %(skipped)s skipped.") % {
            "done": len(result.assigned), "skipped": len(result.skipped),
        })
        for reason in sorted(set(result.skipped.values()))[:3]:
            messages.warning(request, reason)
    return redirect(reverse("workspace:queue") + "?" + request.POST.get("back", ""))


def _case_page(request: HttpRequest, ticket: WithdrawalTicket, *, posted: dict[str, Any] | None = None,
               error: ApplicationError | None = None, status: int = 200,
               revealed: dict[str, str] | None = None, composer_error: ApplicationError | None = None,
               filing_error: ApplicationError | None = None, confirming: str = "",
               reveal_error: ApplicationError | None = None) -> HttpResponse:
    view = case_view(ticket=ticket, viewer=_me(request), now=clock.now())
    posted = posted or {}
    if reveal_error is not None and not any(
        f.code == posted.get("field") and f.can_reveal for f in view.personal_fields
    ):  # no reveal form on the page to show it next to: show it at the top
        error, reveal_error = reveal_error, None
    return workspace_render(request, "workspace/case.html", {
        "case": view, "ticket": ticket, "posted": posted, "error": error,
        "stale": error is not None and error.extra.get("code") in ("stale", "stale_version"),
        "revealed": revealed or {},
        "kept": next((posted[k] for k in ("reason", "message", "note") if posted.get(k)), ""),
        "composer_error": composer_error, "filing_error": filing_error,
        "confirming": _confirming(view, ticket, confirming, posted), "reveal_error": reveal_error,
    }, nav="queue", status=status)


def _confirming(
    view: CaseView, ticket: WithdrawalTicket, code: str, posted: dict[str, Any]
) -> dict[str, Any]:
    """The confirmation step of a decision that cannot be taken back, for a browser without the dialog."""
    if not code:
        return {}
    route = next((choice.label for choice in view.routes if choice.value == posted.get("route")), "")
    template = next((t for t in view.templates if str(t.pk) == posted.get("template")), None)
    return {
        "code": code, "action": view.action.get(code), "route": route, "template": template,
        "text": confirmation_text(code=code, ticket=ticket, route=route),
    }


@agent_required
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """One ticket, everything about it, and what the viewer may do with it.

    The page is drawn before the requester's messages are marked read, so it shows which are new.
    """
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    shown = newest_message_id(ticket=ticket)
    response = _case_page(request, ticket)
    if shown is not None and reads_for_staff(ticket=ticket, viewer=_me(request)):
        thread_mark_read(ticket=ticket, by_requester=False, up_to_id=shown)
    return response


def _uploads(request: HttpRequest) -> list[Upload]:
    return [Upload(file=file, name=file.name or "") for file in request.FILES.getlist("attachments")]


@agent_required
@require_POST
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    """Write to the thread: a reply the requester reads, or an internal note only staff ever see."""
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    note = request.POST.get("mode") == "note"
    body = request.POST.get("body", "")
    try:
        if note:
            note_post(ticket_id=ticket.pk, author=_me(request), body=body, uploads=_uploads(request))
        else:
            message_post(
                ticket_id=ticket.pk, author=_me(request), role=AuthorRole.AGENT, body=body,
                uploads=_uploads(request),
            )
    except ApplicationError as error:
        ticket.refresh_from_db()
        return _case_page(request, ticket, posted={**request.POST.dict(), "action": "message"},
                          composer_error=error, status=400)
    done = _("Internal note added.") if note else _("Your reply is in the requester's thread.")
    messages.success(request, done)
    return redirect(reverse("workspace:case", kwargs={"reference": ticket.reference}) + "#thread")


def _attachment(ticket: WithdrawalTicket, pk: int) -> Attachment:
    attachment = Attachment.objects.filter(pk=pk, ticket=ticket).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


@agent_required  # type: ignore[arg-type]  # a file response is a streaming one, not an HttpResponse
@require_safe
def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A message's (or a note's) file, to staff who may see its ticket; 404 for anyone else."""
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    return stored_file_response(_attachment(ticket, pk), stem="attachment")


@agent_required
@require_POST
def attachment_file(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """File a message's attachment as evidence of the chosen tier (and document)."""
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    attachment = _attachment(ticket, pk)
    tier = EvidenceTier.objects.filter(pk=id_from_text(request.POST.get("tier", "")) or 0).first()
    document_id = id_from_text(request.POST.get("document", ""))
    document = DocumentRequirement.objects.filter(pk=document_id).first() if document_id else None
    posted = {**request.POST.dict(), "action": "file", "attachment": str(attachment.pk)}
    try:
        if tier is None:
            raise ApplicationError(
                _("Choose the evidence tier this file belongs to."),
                extra={"code": "invalid", "field": "tier"},
            )
        attachment_file_as_evidence(
            attachment_id=attachment.pk, agent=_me(request), tier=tier, document=document
        )
    except ApplicationError as error:
        ticket.refresh_from_db()
        return _case_page(request, ticket, posted=posted, filing_error=error, status=400)
    messages.success(request, _("“%(name)s” is filed as evidence.") % {"name": attachment.original_name})
    return redirect(reverse("workspace:case", kwargs={"reference": ticket.reference}) + "#evidence")


def _version(request: HttpRequest) -> int | None:
    return id_from_text(request.POST.get("version", ""))


ACTIONS: dict[str, Callable[[HttpRequest, WithdrawalTicket, int | None], Any]] = {
    "claim": lambda r, t, v: casework.ticket_claim(ticket_id=t.pk, agent=_me(r), expected_version=v),
    "assign": lambda r, t, v: casework.ticket_assign(
        ticket_id=t.pk, actor=_me(r), expected_version=v,
        agent=User.objects.filter(pk=id_from_text(r.POST.get("agent", "")) or 0).first(),
    ),
    "contact": lambda r, t, v: casework.ticket_contact_log(
        ticket_id=t.pk, agent=_me(r), channel=r.POST.get("channel", ""), note=r.POST.get("note", ""),
        expected_version=v,
    ),
    "request_evidence": lambda r, t, v: casework.ticket_evidence_request(
        ticket_id=t.pk, agent=_me(r), message=r.POST.get("message", ""), expected_version=v,
    ),
    "approve": lambda r, t, v: casework.ticket_approve(
        ticket_id=t.pk, agent=_me(r), note=r.POST.get("note", ""), expected_version=v,
    ),
    "refuse": lambda r, t, v: casework.ticket_refuse(
        ticket_id=t.pk, agent=_me(r), expected_version=v, reason=r.POST.get("reason", ""),
        template_id=id_from_text(r.POST.get("template", "")),
    ),
    "route": lambda r, t, v: casework.ticket_route(
        ticket_id=t.pk, agent=_me(r), expected_version=v, note=r.POST.get("note", ""),
        route=route_by_code(code=r.POST.get("route", "")),
    ),
    "reopen": lambda r, t, v: casework.ticket_reopen(
        ticket_id=t.pk, actor=_me(r), note=r.POST.get("note", ""), expected_version=v,
    ),
}
DONE = {
    "claim": gettext_lazy("The ticket is yours."),
    "assign": gettext_lazy("The ticket is assigned."),
    "contact": gettext_lazy("The contact is logged."),
    "request_evidence": gettext_lazy(
        "The requester is asked for more evidence; the decision deadline pauses."
    ),
    "approve": gettext_lazy("Approved: the complaint is withdrawn."),
    "refuse": gettext_lazy("Refused; the requester sees the reason and the other routes."),
    "route": gettext_lazy("Sent to the other route."),
    "reopen": gettext_lazy("The ticket is back in the queue."),
}


@agent_required
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Run one action on the ticket; a decision that cannot be taken back is first confirmed.

    The page's dialog sends `confirm=1` with the form; without it (no JavaScript) the answer is the
    case page with a confirmation step that repeats what will happen, and nothing changes.
    """
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    run = ACTIONS.get(action)
    if run is None:
        return _case_page(request, ticket, status=404)
    if action in CONFIRMED and request.POST.get("confirm") != "1":
        posted = {**request.POST.dict(), "action": action}
        return _case_page(request, ticket, posted=posted, confirming=action)
    try:
        run(request, ticket, _version(request))
    except ApplicationError as error:
        ticket.refresh_from_db()
        stale = error.extra.get("code") in ("stale", "stale_version")
        return _case_page(request, ticket, posted={**request.POST.dict(), "action": action}, error=error,
                          status=409 if stale else 400)
    messages.success(request, DONE[action])
    return redirect("workspace:case", reference=ticket.reference)


@agent_required
@require_POST
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """Show one personal-data value unmasked, for a stated purpose and reason that are recorded."""
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    field = request.POST.get("field", "")
    try:
        value = casework.personal_data_reveal(
            ticket_id=ticket.pk, viewer=_me(request), field=field,
            purpose=request.POST.get("purpose", ""), reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        posted = {**request.POST.dict(), "action": "reveal"}
        return _case_page(request, ticket, posted=posted, reveal_error=error, status=400)
    response = _case_page(request, ticket, revealed={field: value})
    response["Cache-Control"] = "private, no-store"
    return response


@supervisor_required  # type: ignore[arg-type]  # the CSV is a streaming response, not an HttpResponse
@require_safe
def reveals(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Supervisors: every access to personal data (reveals, requesters' downloads, erasure decisions)."""
    chosen, errors = reveal_filter_parse(request.GET)
    if request.GET.get("format") == "csv" and not errors:
        stream = StreamingHttpResponse(_csv_lines(reveal_csv_rows(chosen=chosen)),
                                       content_type="text/csv; charset=utf-8")
        stream["Content-Disposition"] = 'attachment; filename="personal-data-access.csv"'
        stream["Cache-Control"] = "private, no-store"
        return stream
    page = Paginator(access_log(chosen=chosen), REVEALS_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    response = workspace_render(request, "workspace/reveals.html", {
        "page": page, "rows": page.object_list,
        "errors": errors, "form": {key: request.GET.get(key, "") for key in ("from", "to", "agent", "what")},
        "agents": reveal_agents(), "query": params.urlencode(), "kinds": ACCESS_KIND_LABELS,
    }, nav="reveals", status=400 if errors else 200)
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """The rows as CSV text, one line at a time, a byte-order mark first so spreadsheets read UTF-8."""
    yield "\ufeff"
    buffer = StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@agent_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if request.method == "POST":
        casework.notifications_mark_all_read(user=user)
        return redirect("workspace:notifications")
    items = notifications_for(user=user, limit=100)
    return workspace_render(request, "workspace/notifications.html", {
        "items": [(n, notification_message(n)) for n in items],
    }, nav="notifications")

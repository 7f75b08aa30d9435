"""The requester portal: landing, the five-step wizard, my tickets, and the cooling-off lane.

Views parse input, call one intake service or selector and render; the rules live in apps.intake.
"""

from datetime import timedelta
from typing import Any, cast

from django.conf import settings as conf
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.casework.services import ticket_requester_replied
from apps.conversation.selectors import newest_message_id, thread_for, unread_for_requester
from apps.conversation.services import (
    MAX_ATTACHMENTS,
    MESSAGE_STATUSES,
    thread_mark_read,
)
from apps.core import clock
from apps.core.converters import id_from_text
from apps.core.demo.fresh import demo_complaint_file
from apps.core.errors import ApplicationError
from apps.evidence.services import evidence_upload
from apps.intake import services as intake
from apps.intake.selectors import (
    intake_step,
    requester_tickets,
    ticket_estimate,
    ticket_progress,
    ticket_required_documents,
)
from apps.policy.models import AlternativeRoute, ComplaintType, EvidenceTier, PolicySettings
from apps.portal.access import own_ticket, requester_required
from apps.portal.forms import (
    ComplaintNumberForm,
    CoolOffForm,
    EvidenceForm,
    LetterForm,
    PlatformForm,
    apply_error,
)
from apps.portal.identity_step import identity_step
from apps.portal.letter_step import letter_context, letter_initial, max_evidence_mb
from apps.sla.policy import stage_specs
from apps.sla.selectors import clock_preview
from apps.tickets.letters import letter_autosave, letter_save
from apps.tickets.models import EventKind, Letter, TicketEvent, TicketStatus, WithdrawalTicket

STEP_URLS = {1: "portal:step_platform", 2: "portal:step_complaint", 3: "portal:step_identity",
             4: "portal:step_letter", 5: "portal:step_submit"}


def _step_redirect(ticket: WithdrawalTicket) -> HttpResponse:
    if ticket.status != TicketStatus.DRAFT:
        return redirect("portal:ticket_detail", reference=ticket.reference)
    return redirect(STEP_URLS[intake_step(ticket)], reference=ticket.reference)


def _wizard(request: HttpRequest, ticket: WithdrawalTicket | None, step: int, template: str,
            context: dict[str, Any]) -> HttpResponse:
    status = context.pop("status", 200)
    reached = intake_step(ticket) if ticket is not None else 1
    names = (_("Platform"), _("Complaint"), _("Identity"), _("Letter"), _("Submit"))
    steps = [
        {
            "number": n, "name": name, "done": n < reached and n != step, "current": n == step,
            "url": reverse(STEP_URLS[n], args=[ticket.reference]) if ticket and n <= reached else "",
        }
        for n, name in enumerate(names, start=1)
    ]
    context = {"ticket": ticket, "step": step, "steps": steps, **context}
    return render(request, template, context, status=status)


def home(request: HttpRequest) -> HttpResponse:
    """What Chehui does, the two lanes, and the requester's drafts to resume."""
    drafts: list[WithdrawalTicket] = []
    if request.user.is_authenticated and request.user.has_perm("tickets.request_withdrawal"):
        drafts = list(
            WithdrawalTicket.objects.filter(requester=request.user, status=TicketStatus.DRAFT)
            .select_related("platform").order_by("-updated_at")[:5]
        )
    return render(request, "portal/home.html", {
        "drafts": drafts, "settings": PolicySettings.objects.get(),
    })


def _platform_step(request: HttpRequest, ticket: WithdrawalTicket | None) -> HttpResponse:
    """Step 1 for a new request (no ticket yet) or for a draft being changed."""
    initial = {} if ticket is None else {
        "platform": ticket.platform,
        "complaint_type": ticket.complaint_type,
        "special_case": ticket.special_case,
    }
    form = PlatformForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = intake.intake_start(
                requester=cast(User, request.user),
                platform=form.cleaned_data["platform"],
                complaint_type=form.cleaned_data["complaint_type"],
                special_case=form.cleaned_data["special_case"],
                ticket_id=ticket.pk if ticket is not None else None,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            return _step_redirect(ticket)
    return _wizard(request, ticket, 1, "portal/step_platform.html", {"form": form})


@requester_required
def withdraw_start(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new request: platform, category, special case."""
    return _platform_step(request, None)


@requester_required
def step_platform(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    if ticket.status != TicketStatus.DRAFT:
        return _step_redirect(ticket)
    return _platform_step(request, ticket)


@requester_required
def step_complaint(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    if ticket.status != TicketStatus.DRAFT or ticket.entry_completed_at is None:
        return _step_redirect(ticket)
    form = ComplaintNumberForm(
        request.POST or None, initial={"number": ticket.complaint.number if ticket.complaint else ""}
    )
    cooling_off: timedelta | None = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = intake.intake_complaint_confirm(
                ticket_id=ticket.pk, requester=request.user,  # type: ignore[arg-type]
                number=form.cleaned_data["number"],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            if ticket.status == TicketStatus.REFUSED:
                return redirect("portal:ticket_detail", reference=ticket.reference)
            complaint = ticket.complaint
            if complaint is not None and complaint.complainant_id == request.user.pk:
                cooling_off = intake.cooling_off_window(complaint=complaint, now=clock.now())
            if cooling_off is None:
                return _step_redirect(ticket)
    return _wizard(request, ticket, 2, "portal/step_complaint.html", {
        "form": form, "cooling_off": cooling_off,
        "routes": AlternativeRoute.objects.all(),
    })


@requester_required
def step_identity(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    if ticket.status != TicketStatus.DRAFT or ticket.complaint_number_completed_at is None:
        return _step_redirect(ticket)
    return identity_step(request, ticket, _wizard, _step_redirect)


@requester_required
def step_letter(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    if ticket.status != TicketStatus.DRAFT or ticket.identity_verified_at is None:
        return _step_redirect(ticket)
    form = LetterForm(request.POST or None, initial=letter_initial(ticket))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        sequence = values.pop("sequence", None)
        try:
            if sequence:  # the page numbered this save: autosaves still in flight must not undo it
                letter_autosave(ticket=ticket, actor=cast(User, request.user), sequence=sequence, always=True,
                                **values)
            else:
                letter_save(ticket=ticket, actor=cast(User, request.user), **values)
        except ApplicationError as error:
            apply_error(form, error)
            context = letter_context(ticket, form)
            return _wizard(request, ticket, 4, "portal/step_letter.html", context)
        if "continue" in request.POST:
            try:
                ticket = intake.intake_letter_complete(ticket_id=ticket.pk, requester=request.user)  # type: ignore[arg-type]
            except ApplicationError as error:
                apply_error(form, error)
            else:
                return _step_redirect(ticket)
        else:
            messages.success(request, _("Your letter is saved."))
            return redirect("portal:step_letter", reference=ticket.reference)
    return _wizard(request, ticket, 4, "portal/step_letter.html", letter_context(ticket, form))


@requester_required
@require_POST
def evidence_add(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    documents = [check.document for check in ticket_required_documents(ticket=ticket)]
    form = EvidenceForm(request.POST, request.FILES, documents=documents)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            evidence_upload(
                ticket=ticket, uploaded_by=cast(User, request.user), file=upload, original_name=upload.name,
                tier=form.cleaned_data["tier"], document=form.cleaned_data["document"],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": upload.name})
            return redirect(_back_to(ticket))
    if ticket.status != TicketStatus.DRAFT:
        return ticket_page(request, ticket, evidence_form=form, status=400)
    letter_form = LetterForm(initial=letter_initial(ticket))
    context = {**letter_context(ticket, letter_form, form), "status": 400}
    return _wizard(request, ticket, 4, "portal/step_letter.html", context)


def _back_to(ticket: WithdrawalTicket) -> str:
    if ticket.status == TicketStatus.DRAFT:
        return reverse("portal:step_letter", kwargs={"reference": ticket.reference})
    return reverse("portal:ticket_detail", kwargs={"reference": ticket.reference}) + "#evidence"


@requester_required
def step_submit(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    if ticket.status != TicketStatus.DRAFT or ticket.letter_completed_at is None:
        return _step_redirect(ticket)
    error = None
    if request.method == "POST":
        try:
            ticket = intake.intake_submit(ticket_id=ticket.pk, requester=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect(reverse("portal:ticket_detail", args=[ticket.reference]) + "?sent=1")
    now = clock.now()
    complaint, kind = ticket.complaint, ticket.complaint_type
    if complaint is None or kind is None:  # only a draft past step 2 gets here
        return _step_redirect(ticket)
    preview = clock_preview(
        platform_code=ticket.platform.code, complaint_type_code=kind.code,
        complaint_filed_at=complaint.filed_at, submitted_at=now,
    )
    return _wizard(request, ticket, 5, "portal/step_submit.html", {
        "preview": preview, "error": error, "progress": ticket_progress(ticket=ticket, now=now),
        "letter": Letter.objects.filter(ticket=ticket).first(),
    })


@requester_required
@require_POST
def draft_abandon(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = own_ticket(request, reference)
    try:
        intake.intake_abandon(ticket_id=ticket.pk, requester=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The draft is deleted."))
    return redirect("portal:my_tickets")


@requester_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    """Each of the requester's tickets: status, stage, estimate, time left."""
    now = clock.now()
    mine = requester_tickets(requester=cast(User, request.user))
    tickets = list(mine.annotate(unread_messages=unread_for_requester()))
    specs = stage_specs()
    tiers_total = EvidenceTier.objects.count()
    multiplier = float(PolicySettings.objects.get().complete_chain_odds_multiplier)
    rows = [
        {
            "ticket": ticket,
            "step": intake_step(ticket) if ticket.status == TicketStatus.DRAFT else None,
            "estimate": ticket_estimate(ticket=ticket, now=now, tiers_present=ticket.tiers_present,  # type: ignore[attr-defined]
                                        tiers_total=tiers_total, multiplier=multiplier, specs=specs),
            "stage_left": (ticket.stage_ends_at - now) if ticket.stage_ends_at and ticket.is_open
            and ticket.stage_ends_at > now else None,
        }
        for ticket in tickets
    ]
    return render(request, "portal/my_tickets.html", {"rows": rows, "now": now})


def ticket_page(request: HttpRequest, ticket: WithdrawalTicket, *, evidence_form: EvidenceForm | None = None,
            status: int = 200, composer_error: ApplicationError | None = None,
            posted_body: str = "") -> HttpResponse:
    now = clock.now()
    progress = ticket_progress(ticket=ticket, now=now)
    return render(request, "portal/ticket_detail.html", {
        "thread": thread_for(ticket=ticket, staff=False),
        "can_write": ticket.status in MESSAGE_STATUSES,
        "max_attachments": MAX_ATTACHMENTS,
        "composer_error": composer_error, "posted_body": posted_body,
        "ticket": ticket, "progress": progress, "now": now, "sent": request.GET.get("sent") == "1",
        "letter": Letter.objects.filter(ticket=ticket).first(),
        "files": ticket.evidence_files.select_related("tier", "document").all(),
        "evidence_form": evidence_form or EvidenceForm(documents=[c.document for c in progress.documents]),
        "accepts_evidence": ticket.is_open,  # the detail page shows sent tickets only, never drafts
        "asked": (
            TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EVIDENCE_REQUESTED)
            .order_by("-occurred_at").values_list("data__message", flat=True).first()
            if ticket.status == TicketStatus.WAITING_ON_REQUESTER else None
        ),
        "max_mb": max_evidence_mb(),
    }, status=status)


@requester_required
@require_POST
def ticket_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """The requester has added what the agent asked for: the ticket goes back to the agent.

    The page now answers with a message (`message_send`); this older form is kept for pages and
    links still open, and goes through only when evidence was added since the request.
    """
    ticket = own_ticket(request, reference)
    try:
        ticket_requester_replied(ticket_id=ticket.pk, requester=cast(User, request.user))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your ticket is back with customer service."))
    return redirect("portal:ticket_detail", reference=ticket.reference)


@requester_required
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The ticket, its conversation as a chat, and what the requester can add; opening it reads replies."""
    ticket = own_ticket(request, reference)
    if ticket.status == TicketStatus.DRAFT:
        return _step_redirect(ticket)
    shown = newest_message_id(ticket=ticket)
    response = ticket_page(request, ticket)  # drawn first, so the replies not yet read show as new
    if shown is not None:
        thread_mark_read(ticket=ticket, by_requester=True, up_to_id=shown)
    return response


@requester_required
def cool_off(request: HttpRequest) -> HttpResponse:
    """The cooling-off lane: cancel one's own fresh low-risk complaint in one step."""
    form = CoolOffForm(request.POST or request.GET or None)
    done = fresh = None
    if request.method == "POST" and "demo_complaint" in request.POST:
        # Demo tools only (never in production): file a complaint now, so there is one to cancel.
        if not conf.DEMO_TOOLS:
            raise Http404
        fresh = demo_complaint_file(requester=cast(User, request.user), now=clock.now())
        complaint = fresh.complaint
        form = CoolOffForm(initial={"platform": complaint.platform_id, "number": complaint.number})
    elif request.method == "POST" and form.is_valid():
        try:
            done = intake.complaint_cool_off_cancel(
                platform=form.cleaned_data["platform"], number=form.cleaned_data["number"],
                requester=request.user,  # type: ignore[arg-type]
                draft_id=id_from_text(request.POST.get("draft", "")),
            )
        except ApplicationError as error:
            apply_error(form, error)
    settings = PolicySettings.objects.get()
    return render(request, "portal/cool_off.html", {
        "form": form, "done": done, "minutes": settings.cooling_off_minutes,
        "low_risk_types": ComplaintType.objects.filter(low_risk=True),
        "demo_tools": conf.DEMO_TOOLS, "fresh": fresh,
    })


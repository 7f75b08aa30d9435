"""Intake step 4, the letter: what the page shows, the coach's live advice, and the draft's autosave.

The coach speaks to the requester here (plain words, one item per rule, the numbers to copy);
the step's page view itself (`views.step_letter`) saves with the Save and Next buttons.
"""

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.intake.selectors import ticket_progress
from apps.policy.models import PolicySettings
from apps.portal.access import own_ticket, requester_required
from apps.portal.forms import EvidenceForm, LetterAutosaveForm, LetterForm
from apps.tickets.letter_coach_messages import CONSUMER, CoachContext, coach_verdict, findings_render
from apps.tickets.letters import letter_autosave, letter_check
from apps.tickets.models import Letter, WithdrawalTicket


def max_evidence_mb() -> int:
    """The largest evidence file policy accepts, in MB, for the pages that say so."""
    return PolicySettings.objects.values_list("max_evidence_bytes", flat=True).get() // (1024 * 1024)


def _coach_context(ticket: WithdrawalTicket, complaint_time: datetime | None) -> CoachContext:
    """What the coach may show the requester: their ticket's number and the complaint's times."""
    filed_at = ticket.complaint.filed_at if ticket.complaint is not None else None
    return CoachContext(
        ticket_reference=ticket.reference, complaint_filed_at=_local_minute(filed_at),
        complaint_time=_local_minute(complaint_time),
    )


def _local_minute(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def letter_context(ticket: WithdrawalTicket, form: LetterForm,
                   evidence_form: EvidenceForm | None = None) -> dict[str, Any]:
    progress = ticket_progress(ticket=ticket, now=clock.now())
    letter = Letter.objects.filter(ticket=ticket).first()
    stored = letter.coach_findings if letter is not None else []
    return {
        "form": form,
        "letter": letter,
        # Advice in plain words, once per rule; a field the form already marks is not repeated.
        "findings": findings_render(
            stored, audience=CONSUMER, hide_fields=form.errors.keys() if form.is_bound else (),
            context=_coach_context(ticket, letter.complaint_time if letter is not None else None),
        ),
        "verdict": coach_verdict(stored) if letter is not None else "",
        "progress": progress,
        "evidence_form": evidence_form or EvidenceForm(documents=[c.document for c in progress.documents]),
        "files": ticket.evidence_files.select_related("tier", "document").all(),
        "max_mb": max_evidence_mb(),
    }


def letter_initial(ticket: WithdrawalTicket) -> dict[str, Any]:
    """The saved letter, or the respondent from the complaint for a first draft."""
    letter = Letter.objects.filter(ticket=ticket).first()
    if letter is not None:
        return {"complaint_time": letter.complaint_time, "respondent": letter.respondent,
                "reason": letter.reason, "body": letter.body}
    return {"respondent": ticket.complaint.respondent} if ticket.complaint is not None else {}


@requester_required
@require_POST
def letter_live_check(request: HttpRequest, reference: str) -> HttpResponse:
    """The coach's findings on the draft as it is typed (JSON); nothing is saved."""
    ticket = own_ticket(request, reference)
    form = LetterForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        report = letter_check(
            complaint_time=data.get("complaint_time"), respondent=data.get("respondent") or "",
            reason=data.get("reason") or "", body=data.get("body") or "",
        )
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "extra": error.extra}, status=400)
    context = _coach_context(ticket, data.get("complaint_time"))
    return JsonResponse({
        "score": report.score, "ready": report.ready, "verdict": coach_verdict(report.findings),
        "findings": findings_render(report.findings, audience=CONSUMER, context=context),
    })


@requester_required
@require_POST
def letter_autosave_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Save the draft letter as it is typed (JSON): a newer save already made wins over an older one."""
    ticket = own_ticket(request, reference)
    form = LetterAutosaveForm(request.POST)
    if not form.is_valid():
        field, message = form.first_error()
        return JsonResponse({"message": message, "field": field}, status=400)
    try:
        result = letter_autosave(ticket=ticket, actor=cast(User, request.user), **form.cleaned_data)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "field": error.extra.get("field", "")},
                            status=409 if error.extra.get("code") == "not_draft" else 400)
    saved_at = timezone.localtime(clock.now()).strftime("%H:%M")
    return JsonResponse({
        "saved": result.saved, "sequence": result.sequence,
        "status": _("Saved %(time)s") % {"time": saved_at},
    })

"""Intake step 3: the platform's identity checks, each attempt recorded by the identity service."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from apps.accounts.views import client_ip
from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.identity.providers import (
    CHALLENGE_METHODS,
    DevelopmentProvider,
    answer_field,
    identity_provider_get,
)
from apps.identity.selectors import identity_attempt_message, identity_method_label, identity_progress
from apps.identity.services import identity_attempt, identity_challenge_send
from apps.tickets.models import WithdrawalTicket


def _payload(method: str, post: Any) -> dict[str, str]:
    field = answer_field(method)
    return {field: str(post.get(field, "")).strip()}


def identity_step(
    request: HttpRequest,
    ticket: WithdrawalTicket,
    wizard: Callable[..., HttpResponse],
    step_redirect: Callable[[WithdrawalTicket], HttpResponse],
) -> HttpResponse:
    """Show each required method with its state; run one attempt per POST."""
    error: dict[str, str] = {}
    if request.method == "POST":
        method = request.POST.get("method", "")
        try:
            if request.POST.get("action") == "send_code" and method in CHALLENGE_METHODS:
                challenge = identity_challenge_send(ticket=ticket, user=request.user, method=method)  # type: ignore[arg-type]
                messages.info(request, _("A code was sent to %(phone)s.") % {"phone": challenge.sent_to})
                return redirect(request.path)
            attempt = identity_attempt(
                ticket=ticket, user=request.user, method=method,  # type: ignore[arg-type]
                payload=_payload(method, request.POST), ip_address=client_ip(request),
            )
        except ApplicationError as exc:
            error[method] = exc.message
        else:
            ticket.refresh_from_db()
            message = identity_attempt_message(attempt=attempt)
            if attempt.outcome == IdentityVerificationAttempt.Outcome.PASSED:
                messages.success(request, message)
                if ticket.identity_verified_at is not None:
                    return step_redirect(ticket)
                return redirect(request.path)
            error[method] = message
    progress = identity_progress(ticket=ticket)
    rows = [
        {
            "code": method,
            "label": identity_method_label(method),
            "passed": method in progress.passed,
            "current": method == progress.next_method,
            "needs_code": method in CHALLENGE_METHODS,
            "field": answer_field(method),
            "error": error.get(method, ""),
        }
        for method in progress.methods
    ]
    development = isinstance(identity_provider_get(), DevelopmentProvider)
    return wizard(request, ticket, 3, "portal/step_identity.html", {
        "methods": rows, "development": development, "progress": progress,
        "status": 400 if error else 200,
    })

"""Supervisors' queue of erasure requests: approve (erase at once) or reject, each with a reason."""

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.privacy.selectors import erasure_requests_decided, erasure_requests_pending
from apps.privacy.services import erasure_request_decide
from apps.workspace.access import supervisor_required, workspace_render


def _queue(request: HttpRequest, *, error: ApplicationError | None = None, error_for: int | None = None,
           status: int = 200) -> HttpResponse:
    return workspace_render(request, "privacy/erasure_queue.html", {
        "pending": erasure_requests_pending(), "decided": erasure_requests_decided(),
        "error": error, "error_for": error_for, "posted_reason": request.POST.get("reason", ""),
    }, nav="erasure", status=status)


@supervisor_required
@require_safe
def erasure_queue(request: HttpRequest) -> HttpResponse:
    """The requests waiting for a decision, oldest first, and the latest decisions."""
    return _queue(request)


@supervisor_required
@require_POST
def erasure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject one request with a reason; approval erases its tickets' data at once."""
    approve = request.POST.get("decision") == "approve"
    try:
        erasure_request_decide(request_id=pk, supervisor=cast(User, request.user), approve=approve,
                               reason=request.POST.get("reason", ""), now=clock.now())
    except ApplicationError as error:
        stale = error.extra.get("code") == "stale"
        return _queue(request, error=error, error_for=pk, status=409 if stale else 400)
    messages.success(request, _("The request is approved and its data erased.") if approve
                     else _("The request is rejected."))
    return redirect("workspace:erasure_queue")

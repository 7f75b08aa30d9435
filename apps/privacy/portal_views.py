"""The requester's "my personal data" page: download everything, ask for closed tickets' erasure."""

from typing import cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.portal.access import requester_required
from apps.privacy.export import requester_export_build
from apps.privacy.selectors import erasable_tickets, erasure_requests_of, retention_periods
from apps.privacy.services import data_export_record, erasure_request_create
from apps.tickets.models import OPEN_STATUSES


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, *, error: ApplicationError | None = None, chosen: list[str] | None = None,
          status: int = 200) -> HttpResponse:
    me = _me(request)
    tickets = [
        {"ticket": ticket, "open": ticket.status in OPEN_STATUSES}
        for ticket in erasable_tickets(requester=me)
    ]
    return render(request, "privacy/my_data.html", {
        "tickets": tickets, "requests": erasure_requests_of(requester=me), "error": error,
        "chosen": chosen or [], "periods": retention_periods(),
    }, status=status)


@requester_required
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    """What Chehui holds about the requester: the download, the erasure form and their requests."""
    return _page(request)


@requester_required  # type: ignore[arg-type]  # the zip is a streaming response, not an HttpResponse
@require_POST
def data_export(request: HttpRequest) -> FileResponse:
    """Send the requester a zip of everything Chehui holds about them, and record that they took it."""
    now = clock.now()
    archive = requester_export_build(requester=_me(request), now=now)
    data_export_record(requester=_me(request), size=archive.size, tickets=archive.tickets,
                       files=archive.files, now=now)
    response = FileResponse(archive.file, as_attachment=True, content_type="application/zip",
                            filename=f"chehui-my-data-{now:%Y%m%d}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@requester_required
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    """Ask for the personal data of the chosen closed tickets to be erased; a supervisor decides."""
    chosen = request.POST.getlist("ticket")
    try:
        erasure_request_create(requester=_me(request), references=chosen, now=clock.now())
    except ApplicationError as error:
        return _page(request, error=error, chosen=chosen, status=400)
    messages.success(
        request, _("Your request is sent: a supervisor will decide it, and you will see it here.")
    )
    return redirect("portal:my_data")

"""Who may use the portal, and how a requester reaches their own draft."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from apps.tickets.models import WithdrawalTicket


def requester_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users allowed to ask for withdrawals; others are sent to the SMS sign-in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "accounts:sign_in")
        if not request.user.has_perm("tickets.request_withdrawal"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def own_ticket(request: HttpRequest, reference: str) -> WithdrawalTicket:
    """The requester's own ticket with this number; 404 for anyone else's, so none is revealed."""
    ticket = (
        WithdrawalTicket.objects.select_related(
            "platform", "complaint_type", "special_case", "stage", "complaint", "route"
        )
        .filter(requester_id=request.user.pk, reference=reference)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


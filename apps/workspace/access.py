"""Who reaches the workspace, and the page frame every workspace and dashboard page shares."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.casework.selectors import notifications_unread_count
from apps.core import clock
from apps.sla.selectors import calendar_missing_years_cached


def _guard(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "admin:login")
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Agents and supervisors work tickets; requesters (and anyone else) get 403, strangers the staff login.
agent_required = _guard("tickets.work_tickets")
supervisor_required = _guard("tickets.supervise_tickets")


def workspace_render(
    request: HttpRequest, template: str, context: dict[str, Any], *, nav: str, status: int = 200
) -> HttpResponse:
    """Render a workspace page with its frame: unread notices and the missing-calendar banner."""
    frame = {
        "nav": nav,
        "unread_notifications": notifications_unread_count(user=request.user),  # type: ignore[arg-type]
        "calendar_missing_years": (
            calendar_missing_years_cached(today=clock.now().date())
            if request.user.has_perm("tickets.supervise_tickets") else []
        ),
    }
    return render(request, template, {**frame, **context}, status=status)

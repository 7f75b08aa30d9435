"""What a caller may do: scopes for API keys, platforms for integrations.

A view lists the scope each method needs:

    class TicketListApi(APIView):
        permission_classes = [HasScope]
        required_scopes = {"GET": "tickets:read", "POST": "tickets:write"}

A person signed in through the browser passes `HasScope` (scopes are for keys); the same
selectors and services then apply the person's own object-level rules.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.integrations.models import ApiKey, Integration
from apps.policy.models import Platform


def api_key_of(request: Request) -> ApiKey | None:
    """The API key the request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


def request_integration(request: Request) -> Integration | None:
    key = api_key_of(request)
    return key.integration if key else None


def request_actor(request: Request) -> tuple[User | None, str]:
    """Who to record in the event log: (the person, "") or (None, "api:<integration>")."""
    key = api_key_of(request)
    if key is not None:
        return None, key.integration.actor_label
    user = request.user
    return (user if isinstance(user, User) else None), ""


def _scopes_needed(view: APIView, method: str) -> list[str] | None:
    declared: dict[str, str | Iterable[str]] = getattr(view, "required_scopes", {})
    needed = declared.get(method) or (declared.get("GET") if method == "HEAD" else None)
    if needed is None:
        return None
    return [needed] if isinstance(needed, str) else list(needed)


class HasScope(BasePermission):
    """Let a key in only with every scope the view names for the method; unnamed methods: refused."""

    # Lazy at class level, replaced per request (DRF makes one instance per request).
    message: Any = gettext_lazy("This API key may not make this request.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        key = api_key_of(request)
        if key is None:
            return bool(request.user and request.user.is_authenticated)
        if request.method == "OPTIONS":
            return True
        method = request.method or ""
        needed = _scopes_needed(view, method)
        if needed is None:
            self.message = _("API keys may not use %(method)s here.") % {"method": method}
            return False
        missing = [scope for scope in needed if not key.has_scope(scope)]
        if missing:
            self.message = _("This API key lacks the scope %(scope)s.") % {"scope": ", ".join(missing)}
            return False
        return True


def integration_platform_ids(request: Request) -> frozenset[int] | None:
    """The platforms the calling integration may act for; None for a person (no such limit)."""
    key = api_key_of(request)
    return key.integration.platform_ids() if key else None


def integration_platform_check(request: Request, platform: Platform) -> None:
    """Refuse (403) an integration acting on a platform it was not given."""
    allowed = integration_platform_ids(request)
    if allowed is not None and platform.pk not in allowed:
        raise PermissionDenied(
            _("This integration may not act for the platform %(platform)s.") % {"platform": platform.code}
        )

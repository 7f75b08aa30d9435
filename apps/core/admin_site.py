"""Who may use the admin at all: the site every app registers on (`admin.site`).

The admin is for configuration and record-keeping by supervisors and administrators (superusers).
Agents are staff, so they can sign in on the staff login, but they work tickets in the workspace:
the site turns them away from every page except signing out and changing their password.
`ChehuiAdminConfig` (in INSTALLED_APPS in place of django.contrib.admin) makes this the default
site, so Django's, celery-beat's and every app's models register on it. No model import here.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

# Held by the supervisor role; superusers hold every permission.
ADMIN_PERMISSION = "tickets.supervise_tickets"


def admin_admits(user: Any) -> bool:
    """Return whether `user` may use the admin: active staff who are superusers or supervisors."""
    return bool(
        user.is_active and user.is_staff and (user.is_superuser or user.has_perm(ADMIN_PERMISSION))
    )


class ChehuiAdminSite(admin.AdminSite):
    """Django's admin site, open to supervisors and administrators only."""

    # Where a member of staff the admin does not admit lands after signing in on the staff login.
    staff_home = "workspace:queue"
    # The staff login wears the workspace's branding, not the bare admin look.
    login_template = "accounts/staff_sign_in.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_admits(request.user)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """List nothing to whoever the admin does not admit (the password page shows the list)."""
        if not self.has_permission(request):
            return []
        return super().get_app_list(request, app_label)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Send an agent who signed in on the staff login to the workspace, not to a refused page."""
        response = super().login(request, extra_context)
        if (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and request.user.is_authenticated
            and not self.has_permission(request)
            and response.url.startswith(reverse("admin:index", current_app=self.name))
        ):
            try:
                return HttpResponseRedirect(reverse(self.staff_home))
            except NoReverseMatch:  # a URLconf without the workspace (some tests)
                return response
        return response

    def get_urls(self) -> list[URLResolver | URLPattern]:
        """Let every member of staff sign out and change their password; all else needs admission.

        Django's own logout URL sends whoever the site refuses to the index instead of signing them
        out, and the workspace signs out through it, so these come first and win.
        """
        staff_only = [
            path("logout/", self.logout, name="logout"),
            path("password_change/", self.staff_view(self.password_change), name="password_change"),
            path(
                "password_change/done/",
                self.staff_view(self.password_change_done),
                name="password_change_done",
            ),
        ]
        return [*staff_only, *super().get_urls()]

    def staff_view(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """Wrap `view` for any active member of staff, as admin_view wraps it for admitted ones."""

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (request.user.is_active and request.user.is_staff):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            return view(request, *args, **kwargs)

        return csrf_protect(never_cache(update_wrapper(inner, view)))

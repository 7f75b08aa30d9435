"""URLs for the sign-in tests: the accounts pages at account/, plus stand-ins for the portal."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def _stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"portal page for {request.user}")


portal_patterns = (
    [
        path("", _stand_in, name="home"),
        path("my-tickets/", _stand_in, name="my_tickets"),
        path("tickets/new/", _stand_in, name="ticket_new"),
    ],
    "portal",
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("account/", include("apps.accounts.urls")),
    path("", include(portal_patterns)),
]

"""Root URLs."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>) before any include
from apps.observability.views import health_live

admin.site.site_header = "撤回 Chehui"
admin.site.site_title = _("Chehui")
admin.site.index_title = _("Configuration and cases")

urlpatterns = [
    path("", include("apps.portal.urls")),
    path("account/", include("apps.accounts.urls")),
    path("portal/notifications/", include("apps.notifications.urls")),
    path("evidence/", include("apps.evidence.urls")),
    path("workspace/", include("apps.workspace.urls")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health_live, name="healthz"),  # the liveness probe's older name
    path("", include("apps.observability.urls")),  # /health/live, /health/ready, /metrics
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.sla.urls")),
    path("api/v1/", include("apps.integrations.urls_docs")),
    path("api/v1/", include("apps.api.urls")),
]

# Errors Django answers itself: the API's JSON shape under /api/, a branded page elsewhere.
handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"

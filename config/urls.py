"""Root URLs."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from apps.core.views import healthz

admin.site.site_header = "撤回 Chehui"
admin.site.site_title = _("Chehui")
admin.site.index_title = _("Configuration and cases")

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.sla.urls")),
]

"""The project's URLs with the evidence app mounted where config/urls.py will mount it."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("evidence/", include("apps.evidence.urls")),
]

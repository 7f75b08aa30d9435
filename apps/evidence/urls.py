"""Evidence URLs, mounted at evidence/: path("evidence/", include("apps.evidence.urls"))."""

from django.urls import path

from apps.evidence.views import evidence_download

app_name = "evidence"

urlpatterns = [
    path("<int:pk>/", evidence_download, name="download"),
]

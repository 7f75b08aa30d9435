"""Evidence URLs, mounted at evidence/: path("evidence/", include("apps.evidence.urls"))."""

from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.evidence.views import evidence_download

app_name = "evidence"

urlpatterns = [
    path("<id:pk>/", evidence_download, name="download"),
]

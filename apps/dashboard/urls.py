from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets.csv", views.tickets_export, name="tickets_export"),
    path("<code:chart>.csv", views.export, name="export"),
]

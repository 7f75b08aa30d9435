from django.urls import path

import apps.core.converters  # noqa: F401  (registers <id:>)
from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<id:notice_id>/read/", views.notice_read, name="read"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("channels/", views.preferences, name="preferences"),
]

from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("notifications/", views.notifications, name="notifications"),
    path("case/<reference:reference>/", views.case, name="case"),
    path("case/<reference:reference>/reveal/", views.reveal, name="reveal"),
    path("case/<reference:reference>/message/", views.case_message, name="case_message"),
    path("case/<reference:reference>/attachments/<id:pk>/", views.attachment_download, name="attachment"),
    path(
        "case/<reference:reference>/attachments/<id:pk>/file/", views.attachment_file, name="attachment_file"
    ),
    path("case/<reference:reference>/<code:action>/", views.case_action, name="case_action"),
]

from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.workspace import queue_views, views

app_name = "workspace"

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("views/", queue_views.saved_view_create, name="saved_view_create"),
    path("views/<id:pk>/delete/", queue_views.saved_view_remove, name="saved_view_delete"),
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

# The live pages' polling and presence (apps/workspace/live.py); under live/ so no case action name
# ("case/<reference>/<action>/") can shadow them.
from apps.workspace import live  # noqa: E402

urlpatterns += [
    path("live/queue/", live.queue_live, name="live_queue"),
    path("live/case/<reference:reference>/", live.case_live, name="live_case"),
    path("live/case/<reference:reference>/leave/", live.case_leave, name="live_case_leave"),
]

# Supervisors' report of personal-data reveals (who saw what, for which ticket and why).
urlpatterns += [
    path("reveals/", views.reveals, name="reveals"),
]

# Supervisors' queue of requesters' erasure requests (apps/privacy).
from apps.privacy import workspace_views as privacy_views  # noqa: E402

urlpatterns += [
    path("erasure-requests/", privacy_views.erasure_queue, name="erasure_queue"),
    path("erasure-requests/<id:pk>/decide/", privacy_views.erasure_decide, name="erasure_decide"),
]

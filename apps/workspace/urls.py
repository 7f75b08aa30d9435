from django.urls import path

from apps.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("notifications/", views.notifications, name="notifications"),
    path("case/<str:reference>/", views.case, name="case"),
    path("case/<str:reference>/reveal/", views.reveal, name="reveal"),
    path("case/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
]

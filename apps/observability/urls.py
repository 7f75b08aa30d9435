from django.urls import path

from apps.observability import views

app_name = "observability"

urlpatterns = [
    path("health/live", views.health_live, name="health_live"),
    path("health/ready", views.health_ready, name="health_ready"),
    path("metrics", views.metrics, name="metrics"),
]

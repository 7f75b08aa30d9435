from django.urls import path

from apps.sla.apis import PreviewApi

app_name = "sla"
urlpatterns = [
    path("preview", PreviewApi.as_view(), name="preview"),
]

"""Requester sign-in by SMS code; mounted at account/."""

from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
]

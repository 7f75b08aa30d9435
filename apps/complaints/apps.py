from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "apps.complaints"
    verbose_name = "Complaints"

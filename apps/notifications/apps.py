from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications to requesters")

    def ready(self) -> None:
        from apps.notifications import signals

        signals.connect()

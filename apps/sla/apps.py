from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "apps.sla"
    verbose_name = _("The clock (SLA)")

    def ready(self) -> None:
        from apps.sla import signals

        signals.connect()

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "apps.sla"
    verbose_name = "The clock (SLA)"

    def ready(self) -> None:
        from apps.sla import signals

        signals.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservabilityConfig(AppConfig):
    name = "apps.observability"
    verbose_name = _("Observability")

    def ready(self) -> None:
        from apps.observability.logging import structlog_configure
        from apps.observability.metrics.celery import task_failures_connect
        from apps.observability.metrics.database import database_metrics_connect
        from apps.observability.task_context import task_context_connect

        structlog_configure()
        database_metrics_connect()
        task_context_connect()
        task_failures_connect()

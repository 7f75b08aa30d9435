from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    label = "integrations"
    verbose_name = _("Integrations (API and webhooks)")

    def ready(self) -> None:
        from apps.integrations import schema, signals

        signals.connect()
        del schema  # imported for its side effect: registers the OpenAPI security scheme

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from apps.core import lookups  # noqa: F401  (registers field__icontains_escaped)
        from apps.core.crypto import checks  # noqa: F401  (refuses to start without field keys)
        from apps.core.enqueue import tasks_register

        # Services queue tasks by name (apps.core.enqueue): register them in every process.
        tasks_register()


class ChehuiAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site only supervisors and administrators may use."""

    default = False  # named in INSTALLED_APPS; apps.core's own config stays CoreConfig

    default_site = "apps.core.admin_site.ChehuiAdminSite"

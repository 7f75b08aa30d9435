from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from apps.accounts.roles import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate)

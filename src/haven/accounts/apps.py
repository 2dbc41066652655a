from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Signal receivers and roles use the models: importable once the registry is ready.
        from haven.accounts import receivers, roles

        receivers.connect()
        post_migrate.connect(roles.sync_after_migrate, sender=self)

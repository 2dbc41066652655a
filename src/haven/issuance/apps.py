from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuanceConfig(AppConfig):
    name = "haven.issuance"
    verbose_name = _("Issued documents")
    default_auto_field = "django.db.models.BigAutoField"

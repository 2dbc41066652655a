from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    name = "haven.movements"
    label = "movements"
    verbose_name = _("Border movements")
    default_auto_field = "django.db.models.BigAutoField"

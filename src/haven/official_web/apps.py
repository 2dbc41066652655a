from django.apps import AppConfig


class OfficialWebConfig(AppConfig):
    name = "haven.official_web"
    label = "official_web"
    verbose_name = "Officials' pages"

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "haven.operations"
    label = "operations"
    verbose_name = "Operations"

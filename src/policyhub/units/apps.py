from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "policyhub.units"
    verbose_name = "单位 Units"

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "policyhub.imports"
    verbose_name = "导入"

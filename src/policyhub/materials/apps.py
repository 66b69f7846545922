from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "policyhub.materials"
    verbose_name = "申报材料 Application materials"

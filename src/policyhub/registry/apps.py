from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "policyhub.registry"
    verbose_name = "主体登记 Registry"

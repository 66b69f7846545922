from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "policyhub.applications"
    verbose_name = "申报与审核 Applications"

from django.apps import AppConfig


class CentresConfig(AppConfig):
    """The shared page templates and the import command of the service-centre apps."""

    name = "policyhub.centres"
    label = "centres"
    verbose_name = "服务中心 Service centres"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "policyhub.audit"
    verbose_name = "审计日志 Audit trail"

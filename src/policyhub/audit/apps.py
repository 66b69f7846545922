from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _connected(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    from policyhub.appendonly import on_connection

    on_connection(connection)


def _migrated(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from policyhub.appendonly import install_triggers

    install_triggers(connections[using])


class AuditConfig(AppConfig):
    name = "policyhub.audit"
    verbose_name = "审计日志 Audit trail"

    def ready(self) -> None:
        from policyhub.audit import checks  # noqa: F401  (registers the deploy check)

        connection_created.connect(_connected, dispatch_uid="policyhub.appendonly.connect")
        # Once per migrate/flush (sender: this app), after every app's tables exist.
        post_migrate.connect(_migrated, sender=self, dispatch_uid="policyhub.appendonly.migrate")

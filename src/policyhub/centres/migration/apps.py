from django.apps import AppConfig


class MigrationConfig(AppConfig):
    name = "policyhub.centres.migration"
    label = "centres_migration"
    verbose_name = "终端更新与应用迁移 Terminal replacement and migration"

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PlanConfig(AppConfig):
    name = "policyhub.plan"
    verbose_name = "行动计划监测 Action plan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from policyhub.plan import indicators, loading, registry_indicators  # noqa: F401

        # Every installed app's `indicators` module registers its indicators on import.
        indicators.discover([app.name for app in apps.get_app_configs()])
        # Targets and tasks follow the YAML and the text on every migrate (and after a test
        # flush), so an edit to targets.yaml needs no new data migration.
        post_migrate.connect(loading.on_post_migrate, sender=self)

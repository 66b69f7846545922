"""The units the plan's text names that policyhub.units does not seed: the collective parties
(各园区管委会, 各区县(市)人民政府, 市直各部门) and the safeguards' parties (the park's
coordination mechanism, 市级层面 as 长沙市人民政府). Targets and tasks themselves are loaded
by plan.loading after every migrate, so a change to targets.yaml needs no migration."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# Copied, not imported, from policyhub.plan.data.EXTRA_UNITS: a migration must not change
# when the code does.
UNITS = (
    ("all-parks", "各园区管委会"),
    ("all-districts", "各区县(市)人民政府"),
    ("city-departments", "市直各部门"),
    ("park-council", "国家网络安全产业园区(长沙)建设工作协调机制"),
    ("city-gov", "长沙市人民政府"),
)


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    unit = apps.get_model("units", "Unit")
    for code, name in UNITS:
        unit.objects.update_or_create(code=code, defaults={"name": name, "kind": "other"})


def unload(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("units", "Unit").objects.filter(code__in=[c for c, _ in UNITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial"), ("units", "0002_seed_units")]
    operations = [migrations.RunPython(load, unload)]

"""Load the units named in the policy text and Changsha's parks and districts."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from policyhub.units.seed import rows


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    unit = apps.get_model("units", "Unit")
    for row in rows():
        unit.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

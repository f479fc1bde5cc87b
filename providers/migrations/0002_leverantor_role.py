from django.contrib.auth.management import create_permissions
from django.db import migrations


def load(apps, schema_editor):
    from casework import roles

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    roles.load(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_placement"),
        ("casework", "0006_target_groups_home_municipality"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

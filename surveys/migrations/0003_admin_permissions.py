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
        ("surveys", "0002_default_questions"),
        ("providers", "0002_leverantor_role"),
        ("programmes", "0005_seed_agreements"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.contrib.auth.management import create_permissions
from django.db import migrations


def load(apps, schema_editor):
    """The seed agreements' goals, and the admin role's permission to keep them."""
    from casework import roles
    from programmes.seed import load_goals

    load_goals(apps.get_model("programmes", "Programme"), apps.get_model("programmes", "Goal"))
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    roles.load(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0007_goal"),
        ("surveys", "0003_admin_permissions"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.contrib.auth.management import create_permissions
from django.db import migrations

BUDGET_PERMISSIONS = ["add_programmebudget", "change_programmebudget", "view_programmebudget"]


def load(apps, schema_editor):
    """The admin role enters its programmes' budgets (K4/K5); only these three, as 0006."""
    config = apps.get_app_config("programmes")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="admin")
    for codename in BUDGET_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label="programmes", codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0010_exit_employment_form_and_work_check"),
        ("programmes", "0008_seed_programme_budgets"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

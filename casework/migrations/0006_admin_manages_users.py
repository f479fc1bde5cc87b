from django.db import migrations

USER_PERMISSIONS = ["view_user", "add_user", "change_user"]


def load(apps, schema_editor):
    """Only these three: roles.load here would need permissions of later migrations."""
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="admin")
    for codename in USER_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label="auth", codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    """The admin role manages its own organisation's users (issue 13 item 6, issue 17)."""

    dependencies = [("casework", "0005_spell")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

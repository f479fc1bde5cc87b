"""The database table behind the `api` cache (the rate limit), when Redis is not configured."""

from django.core.management import call_command
from django.db import migrations


def forwards(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_system_clients")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

from django.db import migrations


def load(apps, schema_editor):
    from programmes.seed import load as load_seed

    load_seed(
        apps.get_model("programmes", "Organisation"),
        apps.get_model("programmes", "Unit"),
        apps.get_model("programmes", "Programme"),
        apps.get_model("programmes", "InsatsRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

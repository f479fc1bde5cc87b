from django.db import migrations


def load(apps, schema_editor):
    from programmes.seed import load_budgets

    load_budgets(
        apps.get_model("programmes", "Programme"),
        apps.get_model("programmes", "ProgrammeBudget"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_programme_budget")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.db import migrations


def load(apps, schema_editor):
    from surveys.defaults import load_defaults

    load_defaults(apps.get_model("programmes", "Programme"), apps.get_model("surveys", "SurveyQuestion"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_survey"), ("programmes", "0005_seed_agreements")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.db import migrations


def load(apps, schema_editor):
    from programmes.seed import load_agreements

    load_agreements(
        apps.get_model("programmes", "Programme"),
        apps.get_model("programmes", "Unit"),
        apps.get_model("programmes", "MemberMunicipality"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_programme_agreement_facts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

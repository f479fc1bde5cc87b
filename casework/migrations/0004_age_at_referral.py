from django.db import migrations, models


def backfill(apps, schema_editor):
    """Age in whole years on the referral date, from the birth date (indicators.md)."""
    Case = apps.get_model("casework", "Case")
    for case in Case.objects.select_related("participant").iterator():
        born, on = case.participant.birth_date, case.referred_on
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        Case.objects.filter(pk=case.pk).update(age_at_referral=age)


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_saved_report")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="ålder vid aktualisering"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="ålder vid aktualisering"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(verbose_name="ålder vid aktualisering"),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(verbose_name="ålder vid aktualisering"),
        ),
    ]

from django.db import migrations, models


def _age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def backfill(apps, schema_editor):
    """Age in whole years on the referral date, for cases and their history rows."""
    Participant = apps.get_model("casework", "Participant")
    born = dict(Participant.objects.values_list("pk", "birth_date"))
    for name in ("Case", "HistoricalCase"):
        model = apps.get_model("casework", name)
        key = "pk" if name == "Case" else "history_id"
        for row in model.objects.values(key, "participant_id", "referred_on").iterator():
            age = _age(born[row["participant_id"]], row["referred_on"])
            model.objects.filter(**{key: row[key]}).update(age_at_referral=age)


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_saved_report")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(
                null=True, verbose_name="ålder vid aktualisering"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="age_at_referral",
            field=models.PositiveSmallIntegerField(
                null=True, verbose_name="ålder vid aktualisering"
            ),
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

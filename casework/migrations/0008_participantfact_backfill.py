"""Journal every stored person's gender and skyddad identitet once, and chain the rows.

From here on the referral register and casework.identity write these facts; the
persons already stored get one row per field, as of the migration, by the migration
(no actor). Like 0005 this calls the live code (the chain's append) rather than a
frozen copy, so the chained digest has one definition.
"""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    from audit import chain

    Participant = apps.get_model("casework", "Participant")
    ParticipantFact = apps.get_model("casework", "ParticipantFact")
    people = Participant.objects.order_by("pk").values_list("pk", "gender", "skyddad_identitet")
    rows = []
    for pk, gender, protected in people.iterator(chunk_size=BATCH):
        rows.append(ParticipantFact(participant_id=pk, field="gender", value=gender))
        rows.append(
            ParticipantFact(
                participant_id=pk, field="skyddad_identitet", value="1" if protected else "0"
            )
        )
        if len(rows) >= BATCH:
            _write(ParticipantFact, rows, chain)
            rows = []
    _write(ParticipantFact, rows, chain)


def _write(model, rows, chain) -> None:
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH)
        chain.append_rows(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0007_participantfact"),
        ("audit", "0004_securityevent_protected_flag"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

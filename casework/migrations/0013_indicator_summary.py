"""The indicator summary (ADR 0112), and the triggers that mark whose facts changed.

Every table the summary reads marks the participants of the rows a statement writes
(`SummaryDirty`), in the writer's own transaction, so no writer in code can forget to:
on PostgreSQL one insert per statement (transition tables), on SQLite one per row.
Updates mark only when a column the summary reads changed, where that is few of them.
The SQL is written out here, not imported, so the migration stays what it was.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# (table, how its rows name their participant, the columns an update must change to
# matter; None: any update)
WATCHED = [
    ("casework_spell", "participant", None),
    ("casework_case", "participant", ["participant_id", "baseline_step"]),
    ("casework_participant", "self", ["birth_date"]),
    ("casework_transition", "case", None),
    ("casework_followup", "case", None),
    ("casework_employmentcheck", "case", None),
    ("casework_assessment", "case", None),
    ("casework_targetgroupfacts", "case", None),
    ("programmes_workplace", "workplace", ["kommunal"]),
]
DIRTY = "casework_summarydirty"


def _marked(kind, rows):
    """A SELECT of the participant ids of the rows of the FROM item `rows`."""
    return {
        "participant": f"SELECT r.participant_id FROM {rows} r",
        "case": f"SELECT c.participant_id FROM {rows} r JOIN casework_case c ON c.id = r.case_id",
        "self": f"SELECT r.id FROM {rows} r",
        "workplace": f"SELECT s.participant_id FROM {rows} r "
        "JOIN casework_spell s ON s.workplace_id = r.id",
    }[kind]


def _postgresql(table, kind, columns):
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns or []) or "TRUE"
    pair = "new_rows n JOIN old_rows o ON o.id = n.id"
    sources = {
        "INSERT": ("REFERENCING NEW TABLE AS new_rows", [_marked(kind, "new_rows")]),
        "DELETE": ("REFERENCING OLD TABLE AS old_rows", [_marked(kind, "old_rows")]),
        "UPDATE": (
            "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
            [
                _marked(kind, f"(SELECT n.* FROM {pair} WHERE {changed})"),
                _marked(kind, f"(SELECT o.* FROM {pair} WHERE {changed})"),
            ],
        ),
    }
    for op, (referencing, selects) in sources.items():
        name = f"{table}_summary_{op.lower()}"
        union = " UNION ".join(selects)
        yield f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {DIRTY} (participant_id)
                SELECT DISTINCT x FROM ({union}) t (x) WHERE x IS NOT NULL;
                RETURN NULL;
            END $$"""
        yield (
            f"CREATE TRIGGER {name} AFTER {op} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def _sqlite(table, kind, columns):
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns or [])
    when = f" WHEN {changed}" if changed else ""
    for op, rows, condition in (
        ("INSERT", ["NEW"], ""),
        ("DELETE", ["OLD"], ""),
        ("UPDATE", ["NEW", "OLD"], when),
    ):
        body = " ".join(
            f"INSERT INTO {DIRTY} (participant_id) SELECT x FROM ({_of_row(kind, row)}) "
            "WHERE x IS NOT NULL;"
            for row in rows
        )
        yield (
            f"CREATE TRIGGER {table}_summary_{op.lower()} AFTER {op} ON {table}{condition} "
            f"BEGIN {body} END"
        )


def _of_row(kind, row):
    """A SELECT of the participant id of the row `row` (NEW or OLD) of a SQLite trigger."""
    return {
        "participant": f"SELECT {row}.participant_id AS x",
        "case": f"SELECT c.participant_id AS x FROM casework_case c WHERE c.id = {row}.case_id",
        "self": f"SELECT {row}.id AS x",
        "workplace": f"SELECT s.participant_id AS x FROM casework_spell s "
        f"WHERE s.workplace_id = {row}.id",
    }[kind]


def create_triggers(apps, schema_editor):
    make = {"postgresql": _postgresql, "sqlite": _sqlite}[schema_editor.connection.vendor]
    for table, kind, columns in WATCHED:
        for statement in make(table, kind, columns):
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _kind, _columns in WATCHED:
        for op in ("insert", "update", "delete"):
            name = f"{table}_summary_{op}"
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0012_merge_20261203_1006"),
        ("programmes", "0009_merge_20261203_0958"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryDirty",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("participant_id", models.BigIntegerField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="SummaryPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("start", models.DateField()),
                ("end", models.DateField()),
                ("version", models.CharField(max_length=16)),
                ("built_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "programme",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programmes.programme",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SummaryKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("gender", models.CharField(max_length=1)),
                ("band", models.SmallIntegerField()),
                ("mask", models.IntegerField()),
                ("g0", models.IntegerField()),
                ("g1", models.IntegerField()),
                ("g2", models.IntegerField()),
                ("g3", models.IntegerField()),
                ("g4", models.IntegerField()),
                ("g5", models.IntegerField()),
                ("g6", models.IntegerField()),
                ("persons", models.IntegerField()),
                ("k1_exits", models.IntegerField()),
                ("k1_work_or_study", models.IntegerField()),
                ("ut6_due", models.IntegerField()),
                ("ut6_missing", models.IntegerField()),
                ("k3_exits", models.IntegerField()),
                ("k3_good", models.IntegerField()),
                ("k3_pending", models.IntegerField()),
                ("k6_base", models.IntegerField()),
                ("k6_up", models.IntegerField()),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="casework.summaryperiod",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SummaryPerson",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("participant_id", models.BigIntegerField()),
                ("gender", models.CharField(max_length=1)),
                ("band", models.SmallIntegerField()),
                ("mask", models.IntegerField()),
                ("g0", models.IntegerField()),
                ("g1", models.IntegerField()),
                ("g2", models.IntegerField()),
                ("g3", models.IntegerField()),
                ("g4", models.IntegerField()),
                ("g5", models.IntegerField()),
                ("g6", models.IntegerField()),
                ("k1_exits", models.IntegerField()),
                ("k1_work_or_study", models.IntegerField()),
                ("ut6_due", models.IntegerField()),
                ("ut6_missing", models.IntegerField()),
                ("k3_exits", models.IntegerField()),
                ("k3_good", models.IntegerField()),
                ("k3_pending", models.IntegerField()),
                ("k6_base", models.IntegerField()),
                ("k6_up", models.IntegerField()),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="casework.summaryperiod",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="summaryperiod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("programme__isnull", False)),
                fields=("start", "end", "programme"),
                name="one_summary_period_per_programme",
            ),
        ),
        migrations.AddConstraint(
            model_name="summaryperiod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("programme__isnull", True)),
                fields=("start", "end"),
                name="one_summary_period_of_all",
            ),
        ),
        migrations.AddConstraint(
            model_name="summarykind",
            constraint=models.UniqueConstraint(
                fields=(
                    "period",
                    "gender",
                    "band",
                    "mask",
                    "g0",
                    "g1",
                    "g2",
                    "g3",
                    "g4",
                    "g5",
                    "g6",
                ),
                name="one_summary_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="summaryperson",
            constraint=models.UniqueConstraint(
                fields=("period", "participant_id"), name="one_summary_row"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

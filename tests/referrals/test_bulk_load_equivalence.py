"""The benchmark's bulk loader writes the same database content as `import_history`.

issue 7 allows a bulk-load fast path for benchmark data only if a test shows it yields
exactly the same content as the importer on a small file. Compared: every column of every
casework table and of programmes.Workplace, with foreign keys mapped to natural keys.
Not compared (the loader does not write them, or they differ by nature): surrogate ids,
recorded_at/created_at, actor/actor_label, the import batch, history and audit tables,
and the case's optimistic-lock version (a write counter, not content; ADR 0105).
"""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from bench.bulk_load import bulk_load
from casework.models import Extension
from programmes.models import Unit, Workplace
from referrals.importing.applier import run_import
from referrals.importing.generator import generate
from referrals.importing.writer import to_csv

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 11, 23)
SKIPPED = {"id", "recorded_at", "created_at", "actor", "actor_label", "batch", "version"}
CASE = ("participant__personnummer", "programme__code", "referred_on")
NATURAL = {
    "case": CASE,
    "participant": ("personnummer",),
    "programme": ("code",),
    "unit": ("code",),
    "organisation": ("code",),
    "coach": ("username",),
    "saved_by": ("username",),
    "replaces": ("period_start", "period_end", "version"),
    "workplace": ("organisation__code", "name", "kommunal"),
    "samrad": ("effective_on", "note"),
    "enrolment": ("effective_on", "course"),
    "supersedes": ("effective_on",),
    "home_municipality": ("programme__code", "name"),
}
WIPED = [  # children first
    "casework.Spell",
    "casework.EnrolmentEnd",
    "casework.Extension",
    "casework.FollowUp",
    "casework.Enrolment",
    "casework.Samrad",
    "casework.Note",
    "casework.Assessment",
    "casework.Attendance",
    "casework.Transition",
    "casework.SavedReport",
    "casework.Case",
    "casework.ParticipantFact",
    "casework.Participant",
    "programmes.Workplace",
]


def lookups(model, skipped=SKIPPED, keys=NATURAL) -> list[str]:
    """The model's compared columns, a foreign key as its target's natural key."""
    out = []
    for f in model._meta.concrete_fields:
        if f.name in skipped:
            continue
        if f.is_relation:
            out += [f"{f.name}__{n}" for n in keys[f.name]]
        else:
            out.append(f.name)
    return out


def snapshot() -> dict[str, list[tuple]]:
    content = {}
    for label in WIPED:
        model = apps.get_model(label)
        rows = model.objects.values_list(*lookups(model))
        content[label] = sorted(rows, key=repr)
    return content


def wipe() -> None:
    with connection.cursor() as cursor:
        for label in WIPED:
            cursor.execute(f"DELETE FROM {apps.get_model(label)._meta.db_table}")


def test_bulk_load_writes_what_import_history_writes(tmp_path):
    path = tmp_path / "bulk-60.csv"
    path.write_bytes(to_csv(generate(persons=60, seed=11, until=UNTIL)))
    sodra = Unit.objects.get(code="sikta-sodra")
    result = run_import(path.read_bytes(), filename=path.name, unit=sodra)
    assert result.ok, result.errors[:5]
    imported = snapshot()
    wipe()
    assert not any(snapshot().values())
    loaded = bulk_load(path, unit=sodra)
    assert loaded["rows"] == result.rows
    assert snapshot() == imported
    # The comparison is not vacuous: every kind of journal row is in the file.
    for label in ("casework.Extension", "casework.FollowUp", "casework.EnrolmentEnd"):
        assert imported[label], label
    assert Workplace.objects.exists()
    assert Extension.objects.filter(samrad__isnull=False).exists()  # samråd links compared
    assert any(row[-1] is not None for row in imported["casework.Case"])  # deadlines


def test_a_wrong_projection_would_be_noticed(tmp_path):
    """The snapshot sees the projections: a changed deadline makes it differ."""
    path = tmp_path / "bulk-20.csv"
    path.write_bytes(to_csv(generate(persons=20, seed=12, until=UNTIL)))
    bulk_load(path, unit=Unit.objects.get(code="sikta-sodra"))
    before = snapshot()
    case_table = apps.get_model("casework.Case")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {case_table} SET last_event_on = referred_on")
    assert snapshot() != before

"""The import's unit of work writes what the per-call services write, event by event.

`run_import(batched=False)` sends every event through its own service call, as the web
does (lock, facts, row written at once, chained at once); the default applies the file
as one `BatchStore`. Both are run on the same database, the per-call one rolled back, and
compared as test_bulk_load_equivalence does — here with history rows, import batch and
actor label too, and the hash chain verifying (`verify_audit`) in both.
"""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from audit import chain
from audit.models import ChainEntry
from casework.models import Case, Participant, Transition
from programmes.models import Unit
from referrals.importing.applier import run_import
from referrals.importing.generator import generate
from referrals.importing.writer import to_csv
from tests.factories import make_pnr
from tests.referrals.test_bulk_load_equivalence import NATURAL, WIPED
from tests.referrals.test_bulk_load_equivalence import lookups as natural_lookups

from .test_import_errors import ev, table_counts

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 11, 23)
SKIPPED = {"id", "recorded_at", "created_at", "history_id", "history_date", "imported_at"}
KEYS = {
    **NATURAL,
    "batch": ("sha256",),
    "actor": ("username",),
    "history_user": ("username",),
    "imported_by": ("username",),
}
HISTORY = {"casework.HistoricalCase": "id", "casework.HistoricalParticipant": "id"}


def lookups(model) -> list[str]:
    return natural_lookups(model, SKIPPED, KEYS)


def snapshot() -> dict:
    content = {}
    for label in [*WIPED, "casework.ImportBatch"]:
        model = apps.get_model(label)
        content[label] = sorted(model.objects.values_list(*lookups(model)), key=repr)
    # History rows name their case or person by natural key instead of its id.
    cases = {
        c.pk: (c.participant.personnummer, c.programme.code, c.referred_on)
        for c in Case.objects.select_related("participant", "programme")
    }
    people = dict(Participant.objects.values_list("pk", "personnummer"))
    for model, names in ((Case.history.model, cases), (Participant.history.model, people)):
        rows = model.objects.values_list("id", *lookups(model))
        content[model._meta.label] = sorted(((names[r[0]], *r[1:]) for r in rows), key=repr)
    content["chain"] = sorted(ChainEntry.objects.values_list("kind", flat=True))
    return content


def per_call_then_batched(data: bytes, name: str):
    sodra = Unit.objects.get(code="sikta-sodra")
    with transaction.atomic():
        one_by_one = run_import(data, filename=name, unit=sodra, batched=False)
        assert one_by_one.ok, one_by_one.errors[:5]
        assert chain.verify() is None
        expected = snapshot()
        transaction.set_rollback(True)
    batched = run_import(data, filename=name, unit=sodra)
    assert batched.ok, batched.errors[:5]
    call_command("verify_audit")  # raises on a mismatch
    assert chain.verify() is None
    return expected, snapshot()


@pytest.mark.parametrize("seed", [3, 21, 42])
def test_batched_import_writes_what_the_per_call_services_write(seed):
    data = to_csv(generate(persons=40, seed=seed, until=UNTIL))
    expected, got = per_call_then_batched(data, f"uow-{seed}.csv")
    assert got == expected
    assert got["casework.Extension"] and got["casework.FollowUp"]  # not vacuous
    assert len(got["chain"]) == sum(
        len(got[k])
        for k in WIPED
        if k.endswith(
            (
                "Transition",
                "Samrad",
                "Extension",
                "Enrolment",
                "EnrolmentEnd",
                "FollowUp",
                "ParticipantFact",
            )
        )
    )


def test_a_second_file_reaches_the_cases_of_the_first():
    """Re-referrals and events on cases already stored go through the same batch."""
    rows = generate(persons=40, seed=5, until=UNTIL)
    cut = "2025-06-30"
    first = [r for r in rows if r["datum"] <= cut]
    second = [r for r in rows if r["datum"] > cut]
    sodra = Unit.objects.get(code="sikta-sodra")
    assert run_import(to_csv(first), filename="first.csv", unit=sodra).ok
    stored = Transition.objects.count()
    expected, got = per_call_then_batched(to_csv(second), "second.csv")
    assert got == expected
    assert Transition.objects.count() > stored
    assert Transition.objects.filter(batch__filename="second.csv", seq__gt=1).exists()


def test_a_stored_case_exited_and_referred_again_in_one_batch():
    pnr = make_pnr(date(1990, 5, 17), 985)
    first = [ev(pnr, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET", fornamn="Åsa")]
    assert run_import(to_csv(first), filename="first.csv").ok
    second = [
        ev(pnr, "avslut", "2024-03-01", "ARBETE"),
        ev(pnr, "aktualisering", "2024-06-01", "EB_ARBETSLOSHET", efternamn="Öberg"),
        ev(pnr, "samrad", "2024-06-05"),
    ]
    expected, got = per_call_then_batched(to_csv(second), "second.csv")
    assert got == expected
    assert [c.state for c in Case.objects.order_by("referred_on")] == ["avslutad", "aktualisering"]
    assert Participant.objects.get().last_name == "Öberg"


def test_a_refused_row_in_the_middle_of_a_batch_writes_nothing():
    rows = generate(persons=30, seed=8, until=UNTIL)
    referrals = [r for r in rows if r["handelse"] == "aktualisering"]
    middle = referrals[len(referrals) // 2]
    again = {**middle, "datum": str(date.fromisoformat(middle["datum"]) + timedelta(days=1))}
    rows.insert(rows.index(middle) + 1, again)
    line = rows.index(again) + 2  # the header is line 1
    before, links = table_counts(), ChainEntry.objects.count()
    result = run_import(
        to_csv(rows), filename="refused.csv", unit=Unit.objects.get(code="sikta-sodra")
    )
    assert [(e.line, e.column) for e in result.errors] == [(line, "handelse")]
    assert "redan ett öppet ärende" in result.errors[0].reason
    assert table_counts() == before
    assert ChainEntry.objects.count() == links

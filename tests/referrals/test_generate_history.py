"""generate_history writes valid, realistic, deterministic histories."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework.models import Case, FollowUp
from casework.personnummer import parse
from programmes.models import Unit
from referrals.importing.applier import run_import
from referrals.importing.generator import generate
from referrals.importing.reader import read_table
from referrals.importing.writer import to_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_history_imports_cleanly(seed):
    rows = generate(persons=30, seed=seed, until=timezone.localdate())
    result = run_import(
        to_csv(rows), filename=f"gen-{seed}.csv", unit=Unit.objects.get(code="sikta-sodra")
    )
    assert result.ok, result.errors[:5]
    assert result.applied == len(rows)
    assert Case.objects.filter(participant__personnummer=rows[0]["personnummer"]).exists()


def test_same_seed_gives_the_same_file_and_another_seed_does_not(tmp_path):
    paths = [tmp_path / f"{n}.csv" for n in range(3)]
    for path, seed in zip(paths, [7, 7, 8], strict=True):
        call_command(
            "generate_history",
            "--persons",
            "30",
            "--seed",
            str(seed),
            "--out",
            path,
            "--until",
            "2026-06-30",
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_xlsx_output_is_readable_as_the_import_format(tmp_path):
    path = tmp_path / "h.xlsx"
    call_command("generate_history", "--persons", "10", "--seed", "1", "--out", path)
    assert len(read_table(path.read_bytes(), "h.xlsx")) > 10


def test_history_is_realistic():
    today = date(2026, 11, 23)
    rows = generate(persons=800, seed=5, until=today)
    kinds = Counter(r["handelse"] for r in rows)
    people = {r["personnummer"]: r for r in rows if r["handelse"] == "aktualisering"}
    identities = [parse(p, today=today) for p in people]
    assert all(980 <= int(p[8:11]) <= 999 for p in people), "fictitious serials only"
    assert 0 < sum(i.samordningsnummer for i in identities) < len(identities) / 10
    genders = Counter(r["kon"] for r in people.values())
    assert genders["K"] > 300 and genders["M"] > 300 and genders["X"] > 0
    referrals = [r for r in rows if r["handelse"] == "aktualisering"]
    ages = [_age(parse(r["personnummer"], today=today).birth_date, r["datum"]) for r in referrals]
    assert min(ages) >= 16 and max(ages) <= 64
    assert sum(a <= 24 for a in ages) > len(ages) / 4
    assert len(referrals) > len(people), "some persons are re-referred"
    assert {r["program"] for r in rows} == {"JOBBTORG", "SIKTA", "BROMODELLEN", "AME_JARFALLA"}
    assert {r["datum"][:4] for r in referrals} >= {"2023", "2024", "2025", "2026"}
    for kind in ("forlangning", "kompetens_start", "uppfoljning", "avslut", "anstallning"):
        assert kinds[kind] > 0, kind
    assert len({r["detalj"] for r in rows if r["handelse"] == "avslut"}) >= 8
    assert any(r["detalj"] == "OSA" for r in rows)


def test_followups_come_about_six_months_after_anstallning():
    rows = generate(persons=150, seed=9, until=date(2026, 11, 23))
    result = run_import(to_csv(rows), filename="g.csv", unit=Unit.objects.get(code="sikta-norra"))
    assert result.ok, result.errors[:5]
    gaps = [(f.effective_on - f.spell_ended_on).days for f in FollowUp.objects.all()]
    assert gaps and min(gaps) >= 180 and sorted(gaps)[len(gaps) // 2] <= 200


def _age(born: date, on: str) -> int:
    d = date.fromisoformat(on)
    return d.year - born.year - ((d.month, d.day) < (born.month, born.day))

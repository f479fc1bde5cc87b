"""A valid history imports through the services; formats agree; the same file is refused."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from casework.models import Case, Enrolment, Extension, FollowUp, Samrad, Transition
from referrals.importing.applier import SYSTEM_USERNAME, run_import
from referrals.importing.writer import to_csv, to_xlsx
from tests.factories import make_pnr, unit

from .test_import_errors import ev, table_counts

pytestmark = pytest.mark.django_db

ANNA = make_pnr(date(1990, 5, 17), 983)
OLLE = make_pnr(date(2003, 9, 11), 984, samordning=True)


def history():
    """Two persons, every event kind, names with å, ä, ö, rows not in date order."""
    a = ANNA
    return [
        ev(
            a,
            "aktualisering",
            "2024-01-10",
            "EB_ARBETSLOSHET",
            kalla="SOC",
            fornamn="Åsa",
            efternamn="Öberg",
        ),
        {**ev(OLLE, "aktualisering", "2024-02-01", "EB_ANNAT"), "kon": "X"},
        ev(a, "kartlaggning", "2024-01-15"),
        ev(a, "samrad", "2024-01-12", "Möte på Af"),
        ev(a, "kompetens_start", "2024-01-20", "SFI"),
        ev(a, "anstallning", "2024-02-10", arbetsplats="Parkförvaltningen", kommunal="ja"),
        ev(a, "kompetens_slut", "2024-06-30", "SFI"),
        ev(a, "samrad", "2025-01-20"),
        ev(a, "forlangning", "2025-02-01", "Behöver mer tid"),
        ev(a, "avslut", "2025-06-01", "ARBETE"),
        ev(a, "uppfoljning", "2025-12-01", "EB_NEJ"),
        ev(a, "aktualisering", "2026-01-05", "RISK"),
        {**ev(OLLE, "samrad", "2024-02-02"), "kon": "X"},
        {
            **ev(OLLE, "arbetspraktik", "2024-02-05", arbetsplats="Bygg AB", kommunal="nej"),
            "kon": "X",
        },
        {**ev(OLLE, "avslut", "2024-08-01", "STUDIER"), "kon": "X"},
    ]


def dump() -> list:
    """The imported content in a form independent of ids and timestamps."""

    def key(row):
        return (row.case.participant.personnummer, row.case.referred_on, row.effective_on)

    transitions = sorted(
        (
            *key(t),
            t.seq,
            t.to_state,
            t.exit_reason,
            t.workplace and t.workplace.name,
            t.workplace and t.workplace.kommunal,
        )
        for t in Transition.objects.select_related("case__participant", "workplace")
    )
    others = sorted(
        (type(r).__name__, *key(r))
        for model in (Samrad, Extension, Enrolment, FollowUp)
        for r in model.objects.select_related("case__participant")
    )
    people = sorted(
        (
            c.participant.personnummer,
            c.participant.first_name,
            c.participant.last_name,
            c.participant.gender,
            c.state,
            c.income_support,
            c.source,
        )
        for c in Case.objects.select_related("participant")
    )
    return [transitions, others, people]


def test_history_is_applied_with_batch_and_importing_user():
    result = run_import(to_csv(history()), filename="historik.csv")
    assert result.ok, result.errors
    assert result.rows == result.applied == 15
    anna = Case.objects.filter(participant__personnummer=ANNA).order_by("referred_on")
    assert [c.state for c in anna] == ["avslutad", "aktualisering"]
    assert anna[0].participant.first_name == "Åsa"
    assert anna[0].unit == unit("nykoping-jobbtorg")
    rows = [*Transition.objects.all(), *Samrad.objects.all(), *FollowUp.objects.all()]
    assert {r.batch_id for r in rows} == {result.batch_id}
    assert {r.actor.username for r in rows} == {SYSTEM_USERNAME}
    assert Extension.objects.get().samrad.effective_on == date(2025, 1, 20)
    assert FollowUp.objects.get().spell_ended_on == date(2025, 6, 1)


def test_the_same_file_twice_is_refused_and_duplicates_nothing():
    data = to_csv(history())
    assert run_import(data, filename="historik.csv").ok
    before = table_counts()
    again = run_import(data, filename="kopia.csv")
    assert not again.ok
    assert "redan importerats" in again.errors[0].reason
    assert "historik.csv" in again.errors[0].reason
    assert table_counts() == before


def test_dry_run_validates_everything_and_writes_nothing():
    before = table_counts()
    result = run_import(to_csv(history()), filename="historik.csv", dry_run=True)
    assert result.ok and result.applied == 15
    assert table_counts() == before
    assert run_import(to_csv(history()), filename="historik.csv").ok, "dry run stores no batch"


def test_xlsx_utf8_and_windows_1252_give_the_same_result():
    files = {
        "xlsx": to_xlsx(history()),
        "utf8-bom-comma": to_csv(history(), bom=True, delimiter=","),
        "utf8-semicolon": to_csv(history()),
        "cp1252-semicolon": to_csv(history(), encoding="cp1252"),
    }
    dumps = {}
    for name, data in files.items():
        with transaction.atomic():
            result = run_import(data, filename=name)
            assert result.ok, (name, result.errors)
            dumps[name] = dump()
            transaction.set_rollback(True)
    first = dumps.pop("xlsx")
    assert first[0], "something was imported"
    assert all(d == first for d in dumps.values())


def test_events_on_the_same_date_apply_in_file_order():
    rows = [
        ev(ANNA, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET"),
        ev(ANNA, "samrad", "2024-01-10"),
        ev(ANNA, "kartlaggning", "2024-01-10"),
        ev(ANNA, "jobbsok", "2024-01-10"),
    ]
    assert run_import(to_csv(rows), filename="x.csv").ok
    assert list(Transition.objects.values_list("to_state", flat=True).order_by("seq")) == [
        "aktualisering",
        "kartlaggning",
        "jobbsok",
    ]


def test_command_reports_errors_and_refuses(tmp_path, capsys):
    rows = [*history(), ev(ANNA, "avslut", "2026-02-01", "JOBB")]
    path = tmp_path / "historik.csv"
    path.write_bytes(to_csv(rows))
    before = table_counts()
    with pytest.raises(CommandError, match="1 fel"):
        call_command("import_history", str(path))
    assert "Rad 17, kolumn detalj: Okänd kod: JOBB." in capsys.readouterr().err
    assert table_counts() == before


def test_command_imports_with_a_named_user_and_unit(tmp_path, coordinator, capsys):
    rows = [{**r, "program": "SIKTA", "detalj": "SJUKPENNING"} for r in history()[:2]]
    path = tmp_path / "sikta.xlsx"
    path.write_bytes(to_xlsx(rows))
    call_command("import_history", str(path), "--unit", "sikta-norra", "--user", "samordnare")
    assert "Importerade 2 rader" in capsys.readouterr().out
    assert {c.unit.code for c in Case.objects.all()} == {"sikta-norra"}
    assert {t.actor for t in Transition.objects.all()} == {coordinator}


def test_a_user_without_the_right_role_is_refused_per_row(tmp_path, coach):
    result = run_import(to_csv(history()), filename="x.csv", user=coach)
    assert not result.ok
    assert "behörighet" in result.errors[0].reason

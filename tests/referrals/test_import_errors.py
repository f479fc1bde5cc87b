"""Every error class of the import format: line, column, Swedish reason, nothing written."""

from datetime import date

import pytest
from django.apps import apps

from casework.services import samrad_record
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from tests.factories import make_pnr

ANNA = make_pnr(date(1990, 5, 17), 981)
ERIK = make_pnr(date(1985, 2, 3), 982)


def table_counts() -> dict[str, int]:
    """Rows in every casework and programmes table, history tables included."""
    models = [*apps.get_app_config("casework").get_models()]
    models += apps.get_app_config("programmes").get_models()
    return {m._meta.label: m._default_manager.count() for m in models}


def ev(pnr, handelse, datum, detalj="", **extra):
    return {
        "personnummer": pnr,
        "kon": "K",
        "program": "JOBBTORG",
        "handelse": handelse,
        "datum": datum,
        "detalj": detalj,
        **extra,
    }


def good_person(pnr=ERIK):
    """A valid history for one person, placed first so a rollback has something to undo."""
    return [
        ev(pnr, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET", kalla="SOC"),
        ev(pnr, "samrad", "2024-01-12"),
        ev(pnr, "kartlaggning", "2024-01-15"),
        ev(pnr, "arbetstraning", "2024-02-10"),
    ]


def import_refused(data: bytes, **kwargs):
    before = table_counts()
    result = run_import(data, filename="historik.csv", **kwargs)
    assert not result.ok
    assert table_counts() == before, "a refused import must leave the database as it was"
    return result.errors


def only(errors, line, column):
    matches = [e for e in errors if e.line == line and e.column == column]
    assert matches, f"no error at line {line}, column {column}: {errors}"
    return matches[0].reason


pytestmark = pytest.mark.django_db


def test_bad_checksum_is_reported_at_its_line_and_column():
    wrong = ANNA[:-1] + str((int(ANNA[-1]) + 1) % 10)
    rows = [*good_person(), ev(wrong, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")]
    reason = only(import_refused(to_csv(rows)), 6, "personnummer")
    assert "Kontrollsiffran stämmer inte" in reason


def test_unknown_exit_code_is_reported():
    rows = [*good_person(), ev(ERIK, "avslut", "2024-05-01", "JOBB")]
    reason = only(import_refused(to_csv(rows)), 6, "detalj")
    assert reason.startswith("Okänd kod: JOBB. Tillåtna värden: AF, ANNAN_INSATS,")


def test_unknown_programme_and_event_are_reported_on_every_row():
    rows = [*good_person(), ev(ANNA, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")]
    rows[4]["program"] = "JOBBTORGET"
    rows[3]["handelse"] = "arbetsträning"
    errors = import_refused(to_csv(rows))
    assert only(errors, 6, "program").startswith("Okänd kod: JOBBTORGET. Tillåtna värden:")
    assert only(errors, 5, "handelse").startswith("Okänd kod: arbetsträning. Tillåtna")


def test_unknown_column_is_an_error_not_silently_dropped():
    columns = ("personnummer", "kon", "program", "handelse", "datum", "detalj", "anteckning")
    errors = import_refused(to_csv(good_person(), columns=columns))
    assert only(errors, 1, "anteckning") == "Okänd kolumn: anteckning."


def test_column_names_are_case_insensitive():
    columns = ("Personnummer", "KON", "Program", "Handelse", "Datum", "Detalj", "Kalla")
    rows = [{c: r.get(c.lower(), "") for c in columns} for r in good_person()]
    result = run_import(to_csv(rows, columns=columns), filename="x.csv")
    assert result.ok, result.errors


def test_date_before_the_cases_previous_event_is_refused(refer, coordinator):
    case = refer(on=date(2026, 1, 2), personnummer_value=ANNA)
    samrad_record(case_id=case.pk, on=date(2026, 1, 10), by=coordinator)
    rows = [*good_person(), ev(ANNA, "kartlaggning", "2026-01-05")]
    reason = only(import_refused(to_csv(rows)), 6, "datum")
    assert "ligger före ärendets senaste händelse 2026-01-10" in reason


def test_date_in_the_future_is_refused():
    rows = [*good_person(), ev(ERIK, "jobbsok", "2099-01-01")]
    assert "framtiden" in only(import_refused(to_csv(rows)), 6, "datum")


def test_extension_beyond_the_rule_is_refused():
    rows = [
        *good_person(),
        ev(ERIK, "forlangning", "2024-07-01", "Behöver mer tid"),
        ev(ERIK, "forlangning", "2025-01-02", "Behöver ännu mer tid"),
    ]
    reason = only(import_refused(to_csv(rows)), 7, "handelse")
    assert reason == "Insatsen är redan förlängd 1 gång av högst 1."


def test_first_insats_without_samrad_is_refused():
    rows = [
        ev(ANNA, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET"),
        ev(ANNA, "kartlaggning", "2024-01-15"),
        *good_person(),
    ]
    reason = only(import_refused(to_csv(rows)), 3, "handelse")
    assert "föregås av ett samråd med Arbetsförmedlingen" in reason


def test_anstallning_extension_without_samrad_is_refused():
    rows = [
        *good_person(),
        ev(ERIK, "anstallning", "2024-03-01", arbetsplats="Parken", kommunal="ja"),
        ev(ERIK, "forlangning", "2025-02-01", "Förlängd enligt plan"),
    ]
    reason = only(import_refused(to_csv(rows)), 7, "handelse")
    assert "kräver ett samråd med Arbetsförmedlingen" in reason


def test_invalid_encoding_is_reported_with_line_and_column():
    rows = [*good_person(), ev(ANNA, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")]
    rows[4]["efternamn"] = "MARKER"
    data = to_csv(rows, encoding="cp1252").replace(b"MARKER", b"Str\x81m")
    errors = import_refused(data)
    assert "Ogiltig teckenkodning" in only(errors, 6, "efternamn")


def test_utf16_file_is_an_encoding_error():
    data = to_csv(good_person()).decode().encode("utf-16")
    assert "Ogiltig teckenkodning" in import_refused(data)[0].reason


def test_missing_workplace_and_kommunal_are_reported():
    rows = [*good_person(), ev(ERIK, "arbetspraktik", "2024-04-01", arbetsplats="Parken")]
    assert only(import_refused(to_csv(rows)), 6, "kommunal") == "Värde saknas. Skriv ja eller nej."


def test_event_without_an_open_case_is_refused():
    rows = [*good_person(), ev(ANNA, "samrad", "2024-02-01")]
    assert "inget öppet ärende i JOBBTORG" in only(import_refused(to_csv(rows)), 6, "handelse")


def test_a_second_referral_while_the_case_is_open_is_refused():
    rows = [*good_person(), ev(ERIK, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")]
    assert "redan ett öppet ärende" in only(import_refused(to_csv(rows)), 6, "handelse")


def test_sikta_without_unit_asks_for_one():
    rows = [{**ev(ANNA, "aktualisering", "2024-03-01", "SJUKPENNING"), "program": "SIKTA"}]
    assert "ange vilken enhet" in only(import_refused(to_csv(rows)), 2, "program")


def test_trailing_empty_header_cells_are_ignored():
    data = to_csv(good_person()).replace(b"efternamn\r\n", b"efternamn;;\r\n", 1)
    assert run_import(data, filename="x.csv").ok


def test_referral_in_the_future_is_blamed_on_the_date():
    rows = [*good_person(), ev(ANNA, "aktualisering", "2099-01-01", "EB_ARBETSLOSHET")]
    assert "framtiden" in only(import_refused(to_csv(rows)), 6, "datum")

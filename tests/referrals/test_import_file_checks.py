"""File and row checks of the import on both engines: each refusal has a Swedish reason
and leaves the database as it was (issue 17 "Low", issue 12 items 1 and 7)."""

from datetime import date

import pytest

from casework.models import Case, ImportBatch
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from tests.factories import UserFactory, make_pnr, unit

from .test_import_errors import ANNA, ERIK, ev, good_person, import_refused, only

pytestmark = pytest.mark.django_db
OLLE = make_pnr(date(1979, 8, 9), 987)


def test_a_header_only_file_is_refused_and_writes_no_batch():
    errors = import_refused(to_csv([]))
    assert errors[0].reason == "Filen har bara en rubrikrad och inga rader att importera."
    assert not ImportBatch.objects.exists()


def test_a_first_name_longer_than_its_column_is_refused_on_every_engine():
    rows = [*good_person(), ev(ANNA, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")]
    rows[4]["fornamn"] = "Å" * 101
    assert only(import_refused(to_csv(rows)), 6, "fornamn") == "Värdet är längre än 100 tecken."


def test_a_100000_character_first_name_is_refused_by_the_reader():
    rows = [{**good_person()[0], "fornamn": "A" * 100_000}]
    assert only(import_refused(to_csv(rows)), 2, "fornamn") == "Värdet är längre än 2000 tecken."


def test_a_course_longer_than_its_column_is_refused():
    rows = [*good_person(), ev(ERIK, "kompetens_start", "2024-03-01", "K" * 101)]
    assert only(import_refused(to_csv(rows)), 6, "detalj") == "Värdet är längre än 100 tecken."


def test_fullwidth_digits_do_not_make_a_second_person(refer):
    refer(personnummer_value="198505052418")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "198505052418")
    rows = [{**ev(wide, "aktualisering", "2024-03-01", "EB_ARBETSLOSHET")}]
    assert "siffrorna 0–9" in only(import_refused(to_csv(rows)), 2, "personnummer")


def test_nul_after_a_bom_is_an_encoding_error():
    data = b"\xef\xbb\xbf\x00" + to_csv(good_person())
    assert "Ogiltig teckenkodning" in import_refused(data)[0].reason


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_both_lines():
    utf8 = to_csv([{**good_person()[0], "fornamn": "Åsa"}])
    cp1252 = to_csv([{**good_person()[1], "fornamn": "Örjan"}], encoding="cp1252")
    errors = import_refused(utf8 + cp1252.split(b"\r\n", 1)[1])
    assert errors[0].reason.startswith("Filen blandar teckenkodningar: rad 2 är sparad som UTF-8")
    assert "men rad 3 inte" in errors[0].reason


def test_a_windows_1252_file_with_swedish_letters_is_still_read():
    rows = [{**r, "efternamn": "Ärlig-Öst"} for r in good_person()]
    assert run_import(to_csv(rows, encoding="cp1252"), filename="x.csv").ok


def test_a_missing_code_names_the_allowed_codes():
    rows = [*good_person(), ev(ERIK, "avslut", "2024-05-01", "")]
    reason = only(import_refused(to_csv(rows)), 6, "detalj")
    assert reason.startswith("Värde saknas. Tillåtna värden: AF, ANNAN_INSATS, ARBETE,")


def test_the_first_pass_reports_form_and_rule_errors_together():
    rows = [
        ev(ANNA, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET"),
        ev(ANNA, "flytt", "2024-02-01"),
        *good_person(),
        ev(ERIK, "jobbsok", "2099-01-01"),
        ev(OLLE, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET"),
        ev(OLLE, "kartlaggning", "2024-01-15"),
    ]
    errors = import_refused(to_csv(rows))
    assert [(e.line, e.column) for e in errors] == [(3, "handelse"), (8, "datum"), (10, "handelse")]
    assert errors[0].reason.startswith("Okänd kod: flytt.")
    assert "framtiden" in errors[1].reason
    assert "samråd" in errors[2].reason


# --- the coach column (issue 12, item 1) ----------------------------------------------------


@pytest.fixture
def unit_coach(db):
    return UserFactory(username="coach-nyk", roles=["coach"], units=[unit()])


def test_coach_column_assigns_the_imported_case(coordinator, unit_coach):
    rows = [{**good_person()[0], "coach": "coach-nyk"}, *good_person()[1:]]
    result = run_import(to_csv(rows), filename="c.csv", user=coordinator)
    assert result.ok, result.errors
    assert Case.objects.get().coach == unit_coach


def test_an_unknown_coach_is_an_error_with_its_line(coordinator):
    rows = [{**good_person()[0], "coach": "ingen-sadan"}]
    before_cases = Case.objects.count()
    errors = run_import(to_csv(rows), filename="c.csv", user=coordinator).errors
    assert [(e.line, e.column) for e in errors] == [(2, "coach")]
    assert errors[0].reason.startswith("Okänd coach: ingen-sadan.")
    assert Case.objects.count() == before_cases


def test_a_coach_of_another_organisation_is_refused_like_an_unknown_one(coordinator):
    UserFactory(username="coach-sikta", roles=["coach"], units=[unit("sikta-sodra")])
    rows = [{**good_person()[0], "coach": "coach-sikta"}]
    errors = run_import(to_csv(rows), filename="c.csv", user=coordinator).errors
    assert errors[0].reason.startswith("Okänd coach: coach-sikta.")
    assert not Case.objects.exists()


def test_coach_only_on_the_referral_row():
    rows = [*good_person()[:1], {**good_person()[1], "coach": "coach-nyk"}]
    reason = only(import_refused(to_csv(rows)), 3, "coach")
    assert reason == "Coach anges bara på raden med aktualisering."

"""An import through /import/ touches only the uploader's cases and units (issue 17, item 1).

The command line is the operator's and stays unrestricted, logged as such.
"""

import logging
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from casework.models import Case, ImportBatch, Transition
from casework.services import samrad_record
from referrals.importing.applier import SYSTEM_USERNAME, run_import
from referrals.importing.jobs import run_job
from referrals.importing.writer import to_csv
from referrals.models import ImportJob
from tests.factories import UserFactory, make_pnr, unit

from .test_import_errors import ev, table_counts

pytestmark = pytest.mark.django_db
NYKOPING_PERSON = make_pnr(date(1988, 3, 4), 985)
NEW_PERSON = make_pnr(date(1991, 6, 7), 986)


@pytest.fixture
def nykoping_case(refer, coordinator):
    case = refer(personnummer_value=NYKOPING_PERSON, on=date(2026, 1, 2))
    samrad_record(case_id=case.pk, on=date(2026, 1, 3), by=coordinator)
    return case


@pytest.fixture
def sikta_coordinator(db):
    return UserFactory(
        username="sikta-samordnare", roles=["coordinator"], units=[unit("sikta-sodra")]
    )


def attack_file() -> bytes:
    return to_csv(
        [
            ev(NYKOPING_PERSON, "samrad", "2026-02-01"),
            ev(NYKOPING_PERSON, "avslut", "2026-02-02", "AVBROTT"),
        ]
    )


def case_snapshot(case: Case):
    case.refresh_from_db()
    return (case.state, case.exit_reason, Transition.objects.filter(case=case).count())


def test_sikta_coordinator_cannot_close_a_nykoping_case_through_the_web_import(
    client, sikta_coordinator, nykoping_case, django_capture_on_commit_callbacks
):
    before, case_before = table_counts(), case_snapshot(nykoping_case)
    client.force_login(sikta_coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/import/", {"file": SimpleUploadedFile("attack.csv", attack_file())}
        )
    assert response.status_code == 302
    job = run_job(ImportJob.objects.get().pk, attack_file())
    assert job.status == ImportJob.Status.FAILED
    reasons = {(e["line"], e["column"]): e["reason"] for e in job.errors}
    assert "inget öppet ärende i JOBBTORG som du får ändra" in reasons[(2, "handelse")]
    assert case_snapshot(nykoping_case) == case_before, "the Nyköping case is unchanged"
    assert table_counts() == before
    assert not ImportBatch.objects.exists()


def test_out_of_scope_row_reads_like_a_missing_case_and_reveals_nothing(
    sikta_coordinator, nykoping_case
):
    result = run_import(attack_file(), filename="a.csv", user=sikta_coordinator)
    missing = run_import(
        to_csv([ev(NEW_PERSON, "samrad", "2026-02-01")]), filename="b.csv", user=sikta_coordinator
    )
    assert result.errors[0].reason == missing.errors[0].reason
    assert result.out_of_scope == [nykoping_case.pk]


def test_referral_into_another_organisations_unit_is_refused_with_its_line(sikta_coordinator):
    before = table_counts()
    data = to_csv([ev(NEW_PERSON, "aktualisering", "2026-01-10", "EB_ARBETSLOSHET")])
    result = run_import(data, filename="c.csv", user=sikta_coordinator)
    assert [(e.line, e.column) for e in result.errors] == [(2, "program")]
    assert "Du får inte registrera aktualiseringar i JOBBTORG" in result.errors[0].reason
    assert table_counts() == before


def test_the_uploader_may_write_their_own_units_cases(coordinator, nykoping_case):
    result = run_import(attack_file(), filename="own.csv", user=coordinator)
    assert result.ok, result.errors
    nykoping_case.refresh_from_db()
    assert nykoping_case.exit_reason == "AVBROTT"


def test_the_command_line_is_the_operator_and_is_logged_as_such(
    tmp_path, nykoping_case, caplog, capsys
):
    path = tmp_path / "operator.csv"
    path.write_bytes(attack_file())
    with caplog.at_level(logging.WARNING, logger="referrals.importing"):
        call_command("import_history", str(path))
    nykoping_case.refresh_from_db()
    assert nykoping_case.exit_reason == "AVBROTT"
    assert "operator import without scope" in caplog.text
    assert "som operatör från kommandoraden" in capsys.readouterr().err


def test_a_failed_import_does_not_even_create_its_system_user():
    before = User.objects.count()
    result = run_import(to_csv([ev(NEW_PERSON, "samrad", "2026-02-01")]), filename="f.csv")
    assert not result.ok
    assert User.objects.count() == before
    assert not User.objects.filter(username=SYSTEM_USERNAME).exists()


def test_kon_contradicting_the_stored_person_is_an_error_with_its_line(nykoping_case):
    before = table_counts()
    rows = [{**ev(NYKOPING_PERSON, "samrad", "2026-02-01"), "kon": "M"}]
    result = run_import(to_csv(rows), filename="k.csv")
    assert [(e.line, e.column) for e in result.errors] == [(2, "kon")]
    assert "Könet stämmer inte" in result.errors[0].reason
    assert table_counts() == before


def test_kon_contradicting_an_earlier_row_of_the_file_is_an_error():
    rows = [
        ev(NEW_PERSON, "aktualisering", "2026-01-10", "EB_ARBETSLOSHET"),
        {**ev(NEW_PERSON, "samrad", "2026-01-11"), "kon": "X"},
    ]
    result = run_import(to_csv(rows), filename="k2.csv")
    assert [(e.line, e.column) for e in result.errors] == [(3, "kon")]
    assert not Case.objects.exists()

"""The import upload and its polling status page work in Chromium and pass axe-core (W1, IM1)."""

import pytest

from referrals.importing.jobs import run_job
from referrals.importing.writer import to_csv
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, unit
from tests.referrals.test_import_errors import ERIK, ev, good_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def inline_jobs(monkeypatch):
    """Run the import in the request: SQLite's shared test database cannot take a second
    writer thread beside the live server's session writes. The thread itself and the
    polling are covered in tests/referrals/test_import_web.py."""
    monkeypatch.setattr(
        "referrals.import_views.start_in_background", lambda job_id, data: run_job(job_id, data)
    )


def upload(page, tmp_path, rows, name="historik.csv"):
    path = tmp_path / name
    path.write_bytes(to_csv(rows))
    page.goto("/import/")
    assert_accessible(page)
    page.set_input_files("#id_file", str(path))
    page.click("main button[type=submit]")


def test_upload_polls_until_klar(page, login, tmp_path):
    login(page, UserFactory(roles=["coordinator"], units=[unit()]))
    upload(page, tmp_path, good_person())
    page.wait_for_selector("text=Importen är klar", timeout=30_000)
    assert "4 av 4 rader" in page.inner_text("[role=status]")
    assert_accessible(page)


def test_invalid_upload_shows_the_row_errors(page, login, tmp_path):
    login(page, UserFactory(roles=["coordinator"], units=[unit()]))
    upload(page, tmp_path, [*good_person(), ev(ERIK, "avslut", "2024-05-01", "JOBB")])
    page.wait_for_selector("text=inget sparades", timeout=30_000)
    assert "Okänd kod: JOBB." in page.inner_text("[role=status]")
    assert_accessible(page)

"""The web import runs in a worker process of its own, with limits (docs/adr/0007)."""

import os
import stat
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from audit.models import SecurityEvent
from casework.models import Case
from referrals.importing import jobs
from referrals.importing.help import template_csv, template_xlsx
from referrals.importing.writer import to_csv
from referrals.models import ImportJob
from tests.factories import UserFactory, make_pnr, unit

from .test_import_errors import good_person


@pytest.fixture
def spool(tmp_path, settings):
    settings.IMPORT_SPOOL_DIR = tmp_path / "imports"
    return settings.IMPORT_SPOOL_DIR


class FakeWorker:
    """Stands in for the worker process: records its command and the spool it found."""

    def __init__(self, returncode):
        self.returncode, self.calls = returncode, []

    def __call__(self, command, **kwargs):
        job_id = int(command[-1])
        path = jobs.spool_path(job_id)
        self.calls.append((command, kwargs, path.read_bytes(), stat.S_IMODE(path.stat().st_mode)))
        return self

    def wait(self):
        return self.returncode


@pytest.mark.django_db(transaction=True)
def test_the_upload_is_spooled_privately_and_handed_to_a_worker_process(
    reseeded, spool, monkeypatch
):
    user = UserFactory(roles=["coordinator"], units=[unit()])
    job = ImportJob.objects.create(filename="x.csv", created_by=user)
    worker = FakeWorker(returncode=0)
    monkeypatch.setattr(subprocess, "Popen", worker)
    jobs.start_in_background(job.pk, b"data").join(timeout=10)
    ((command, kwargs, data, mode),) = worker.calls
    assert command[-2:] == ["run_import_job", str(job.pk)] and command[1].endswith("manage.py")
    assert kwargs["start_new_session"] is True
    assert data == b"data" and mode == 0o600
    assert not jobs.spool_path(job.pk).exists(), "the spool is removed when the worker ends"


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_fails_its_job_with_a_swedish_reason(reseeded, spool, monkeypatch):
    user = UserFactory(roles=["coordinator"], units=[unit()])
    job = ImportJob.objects.create(filename="x.csv", created_by=user)
    monkeypatch.setattr(subprocess, "Popen", FakeWorker(returncode=-9))
    jobs.start_in_background(job.pk, b"data").join(timeout=10)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["reason"].startswith("Importen avbröts innan den blev klar")


@pytest.mark.django_db
def test_progress_is_published_through_a_file_the_status_page_reads(spool, coordinator):
    job = ImportJob.objects.create(filename="x.csv", created_by=coordinator)
    publish = jobs._Publisher(job)
    publish(3, 10)
    assert jobs.live_progress(job.pk) == (3, 10)
    publish.close()
    assert jobs.live_progress(job.pk) is None


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_process_imports_the_file_on_postgresql(reseeded, spool, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", _test_database_url())
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    monkeypatch.setenv("VAR_DIR", str(spool.parent))
    user = UserFactory(roles=["coordinator"], units=[unit()])
    job = ImportJob.objects.create(filename="x.csv", created_by=user)
    connection.close()
    jobs.start_in_background(job.pk, to_csv(good_person())).join(timeout=120)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Case.objects.filter(unit=unit()).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_past_its_memory_limit_fails_the_job_and_writes_nothing(
    reseeded, spool, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", _test_database_url())
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    monkeypatch.setenv("VAR_DIR", str(spool.parent))
    monkeypatch.setenv("IMPORT_WORKER_MEMORY_MB", "40")  # below what the process has mapped
    user = UserFactory(roles=["coordinator"], units=[unit()])
    job = ImportJob.objects.create(filename="x.csv", created_by=user)
    rows = [r for n in range(500) for r in good_person(make_pnr(date(1980, 1, 1), n))]
    jobs.start_in_background(job.pk, to_csv(rows)).join(timeout=120)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "mer minne eller tid" in job.errors[0]["reason"]
    assert not Case.objects.exists()


# --- the pages around it ----------------------------------------------------------------


@pytest.mark.django_db
def test_help_page_lists_every_column_event_and_code(client, coordinator):
    client.force_login(coordinator)
    text = client.get("/import/hjalp/").content.decode()
    from casework.models import ExitReason
    from programmes.models import IncomeSupport
    from referrals.importing.reader import COLUMNS
    from referrals.importing.rows import EVENTS

    for code in (*COLUMNS, *EVENTS, *ExitReason.values, *IncomeSupport.values, "EB_JA"):
        assert f"<code>{code}</code>" in text, code
    assert "200000" in text.replace("\u00a0", "").replace(" ", "")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coach", "manager", "auditor"])
def test_help_and_templates_are_for_importers_only(client, role):
    client.force_login(UserFactory(roles=[role], units=[unit()]))
    assert client.get("/import/hjalp/").status_code == 404
    assert client.get("/import/mall.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("kind,builder", [("csv", template_csv), ("xlsx", template_xlsx)])
def test_the_template_files_download_and_import_as_they_are(client, coordinator, kind, builder):
    from referrals.importing.applier import run_import

    client.force_login(coordinator)
    response = client.get(f"/import/mall.{kind}")
    assert response.status_code == 200
    assert f'filename="importmall.{kind}"' in response["Content-Disposition"]
    if kind == "csv":  # an XLSX zip stamps each member with the time it was written
        assert response.content == builder()
    result = run_import(response.content, filename=f"importmall.{kind}", user=coordinator)
    assert result.ok, result.errors


@pytest.mark.django_db
def test_upload_page_links_the_help_page_and_templates(client, coordinator):
    client.force_login(coordinator)
    text = client.get("/import/").content.decode()
    assert 'href="/import/hjalp/"' in text and 'href="/import/mall.xlsx"' in text


@pytest.mark.django_db
def test_another_users_job_is_404_and_a_security_event(client, coordinator):
    job = ImportJob.objects.create(filename="x.csv", created_by=coordinator)
    other = UserFactory(roles=["coordinator"], units=[unit()])
    client.force_login(other)
    assert client.get(f"/import/{job.pk}/").status_code == 404
    # Creating the users raised membership events (issue 17 item 3); this is the job's.
    event = SecurityEvent.objects.get(object_ref=f"importjob:{job.pk}")
    assert event.user == other


@pytest.mark.django_db
def test_a_failed_job_says_how_many_rows_the_file_has_not_0_of_n(client, coordinator):
    job = ImportJob.objects.create(
        filename="x.csv",
        created_by=coordinator,
        status=ImportJob.Status.FAILED,
        total=4,
        errors=[{"line": 2, "column": "detalj", "reason": "Värde saknas."}],
    )
    client.force_login(coordinator)
    text = client.get(f"/import/{job.pk}/").content.decode()
    assert "Filen har 4 rader." in text and "0 av 4" not in text


@pytest.mark.django_db
def test_an_admin_may_choose_only_their_own_units(client):
    admin = UserFactory(roles=["admin"], units=[unit()])
    client.force_login(admin)
    text = client.get("/import/").content.decode()
    assert "Jobbtorg Nyköping" in text and "Sikta södra" not in text


def test_spool_files_are_not_left_world_readable(tmp_path, settings):
    settings.IMPORT_SPOOL_DIR = tmp_path / "s"
    assert stat.S_IMODE(os.stat(jobs.spool_dir()).st_mode) == 0o700

"""Web upload: coordinators and admins only, returns at once, polls, shows errors or klar."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import Case
from referrals.importing.generator import generate
from referrals.importing.jobs import run_job
from referrals.importing.writer import to_csv
from referrals.models import ImportJob
from tests.factories import UserFactory, unit

from .test_import_errors import ERIK as PNR
from .test_import_errors import ev, table_counts

pytestmark = pytest.mark.django_db
URL = "/import/"


def upload(client, data: bytes, name="historik.csv", **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


@pytest.mark.parametrize("role", ["coach", "manager", "auditor"])
def test_other_roles_get_404(client, role):
    client.force_login(UserFactory(roles=[role], units=[unit()]))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {}).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_upload_returns_at_once_and_starts_the_job_after_commit(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    assert reverse("imports:upload") == URL
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, to_csv([ev(PNR, "samrad", "2024-01-01")]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:status", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED and job.created_by == coordinator
    assert len(callbacks) == 1, "the background thread starts only after the commit"
    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "0 av 0 rader" in page


def test_a_file_of_a_few_thousand_rows_reaches_klar(client, coordinator):
    rows = generate(persons=400, seed=11, until=date(2026, 11, 1))[:2000]
    job = ImportJob.objects.create(
        filename="stor.csv", created_by=coordinator, unit=unit("sikta-sodra")
    )
    # The generated file holds every programme: make the uploader a member of their units.
    for code in ("sikta-sodra", "linkoping-arena", "jarfalla-ame"):
        unit(code).members.add(coordinator)
    job = run_job(job.pk, to_csv(rows))
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.processed == job.total == len(rows) == 2000
    client.force_login(coordinator)
    page = client.get(reverse("imports:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert "2000 av 2000 rader" in text and "Importen är klar" in text
    assert "hx-trigger" not in text, "polling stops when the job is done"


def test_an_invalid_file_shows_its_errors_and_writes_nothing(client, coordinator):
    rows = [
        ev(PNR, "aktualisering", "2024-01-10", "EB_ARBETSLOSHET"),
        ev(PNR, "avslut", "2024-02-01", "JOBB"),
    ]
    job = ImportJob.objects.create(filename="fel.csv", created_by=coordinator)
    before = table_counts()
    job = run_job(job.pk, to_csv(rows))
    assert job.status == ImportJob.Status.FAILED
    assert table_counts() == before and not Case.objects.exists()
    client.force_login(coordinator)
    text = client.get(reverse("imports:status", args=[job.pk])).content.decode()
    assert "1 fel – inget sparades" in text
    assert '<td class="num">3</td><td>detalj</td><td>Okänd kod: JOBB. Tillåtna värden: AF,' in text


def test_a_job_is_visible_only_to_its_uploader(client, coordinator):
    job = ImportJob.objects.create(filename="x.csv", created_by=coordinator)
    other = UserFactory(roles=["coordinator"], units=[unit()])
    client.force_login(other)
    assert client.get(reverse("imports:status", args=[job.pk])).status_code == 404


def test_wrong_file_type_is_refused_on_the_form(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, b"hej", name="historik.pdf")
    assert response.status_code == 200
    assert "Välj en fil som slutar på .csv eller .xlsx." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_long_error_report_is_capped_with_a_count(coordinator, monkeypatch):
    monkeypatch.setattr("referrals.importing.jobs.MAX_STORED_ERRORS", 2)
    rows = [ev(PNR, "avslut", "2024-02-01", f"JOBB{n}") for n in range(5)]
    job = ImportJob.objects.create(filename="fel.csv", created_by=coordinator)
    job = run_job(job.pk, to_csv(rows))
    assert [e["line"] for e in job.errors] == [2, 3, 0]
    assert job.errors[-1]["reason"] == "… och 3 fel till."

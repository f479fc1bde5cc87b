"""Run an upload as an `ImportJob` in its own OS process and publish its progress (IM1, IM2).

The web view saves the job and, after its transaction commits, `start_in_background`
spools the upload to a private file and starts `manage.py run_import_job ID`: a separate
process with a memory and CPU limit (docs/adr/0007). A hostile or merely huge file can
exhaust only that process; the request worker answers at once and stays small. A thread
of the web process waits for the worker and fails the job if the worker died before it
could say so itself (a limit reached, kill -9). Tests call `run_job` directly.

The import itself is one transaction, so progress cannot be written through the
import's own connection (nobody would see it before the commit). The worker writes it to
a small file beside the spool, which the status page reads; on PostgreSQL it is also
written to the job row through a second, autocommitting connection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from referrals.models import ImportJob

from .applier import run_import

PUBLISH_EVERY_SECONDS = 0.5
MAX_STORED_ERRORS = 1000  # a whole file of bad rows must not make the status page unusable


def spool_dir() -> Path:
    path = Path(getattr(settings, "IMPORT_SPOOL_DIR", settings.VAR_DIR / "imports"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _progress_path(job_id: int) -> Path:
    return spool_dir() / f"job-{job_id}.progress"


def spool_path(job_id: int) -> Path:
    return spool_dir() / f"job-{job_id}.upload"


def live_progress(job_id: int) -> tuple[int, int] | None:
    """(processed, total) of a running job, as its worker last published it, or None."""
    try:
        done, total = json.loads(_progress_path(job_id).read_text())
    except (OSError, ValueError, TypeError):
        return None
    return int(done), int(total)


class _Publisher:
    """Throttled progress: at most every half second, and always the last row."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.path = _progress_path(job.pk)
        self.side = None
        self.last = 0.0
        if connection.vendor != "sqlite":
            self.side = connections.create_connection("default")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PUBLISH_EVERY_SECONDS and done != total:
            return
        self.last = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps([done, total]))
        os.replace(temporary, self.path)
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed = %s, total = %s "
                    "WHERE id = %s",
                    [done, total, self.job_id],
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        self.path.unlink(missing_ok=True)


def run_job(job_id: int, data: bytes) -> ImportJob:
    """Import the uploaded bytes for the job and store the outcome on it."""
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    publish = _Publisher(job)
    try:
        result = run_import(
            data,
            filename=job.filename,
            user=job.created_by,
            unit=job.unit,
            dry_run=job.dry_run,
            progress=publish,
        )
    finally:
        publish.close()
    job.total = result.rows
    job.processed = result.rows if result.ok else result.applied
    job.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
    if len(result.errors) > MAX_STORED_ERRORS:
        more = len(result.errors) - MAX_STORED_ERRORS
        job.errors.append(
            {
                "line": 0,
                "column": "",
                "reason": ngettext("… och %(n)s fel till.", "… och %(n)s fel till.", more)
                % {"n": more},
            }
        )
    job.status = ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED
    job.batch_id = result.batch_id
    job.finished_at = timezone.now()
    job.save()
    _report_out_of_scope(job, result.out_of_scope)
    return job


def _report_out_of_scope(job: ImportJob, case_ids: list[int]) -> None:
    """One security event per case a row of the upload reached for outside its scope."""
    from casework.models import Case
    from casework.signals import scope_refused

    for case_id in case_ids:
        scope_refused.send(
            sender=Case, user=job.created_by, case_id=case_id, route=f"/import/{job.pk}/"
        )


def fail_job(job_id: int, reason: str) -> None:
    """Mark a job that did not finish as failed; nothing was written (one transaction)."""
    ImportJob.objects.filter(pk=job_id).exclude(
        status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED)
    ).update(
        status=ImportJob.Status.FAILED,
        errors=[{"line": 0, "column": "", "reason": reason}],
        finished_at=timezone.now(),
    )


def worker_died_reason() -> str:
    return _(
        "Importen avbröts innan den blev klar: filen krävde mer minne eller tid än en import "
        "får använda. Inget sparades. Dela upp filen och försök igen."
    )


def unexpected_reason() -> str:
    return _("Importen avbröts av ett oväntat fel. Inget sparades. Kontakta förvaltningen.")


def worker_command(job_id: int) -> list[str]:
    return [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "run_import_job",
        str(job_id),
    ]


def start_in_background(job_id: int, data: bytes) -> threading.Thread:
    """Spool the upload and start its worker process; a thread waits for it to end."""
    path = spool_path(job_id)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as spool:
        spool.write(data)
    process = subprocess.Popen(
        worker_command(job_id),
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C of the server does not cut the transaction short
    )

    def wait() -> None:
        try:
            if process.wait() != 0:
                fail_job(job_id, worker_died_reason())
        finally:
            path.unlink(missing_ok=True)
            _progress_path(job_id).unlink(missing_ok=True)
            connection.close()

    thread = threading.Thread(target=wait, name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread

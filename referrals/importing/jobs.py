"""Run an upload as an `ImportJob` and publish its progress for the status page (IM1, IM2).

The web view saves the job and, after its transaction commits, starts `run_job` in a
background thread of the web process; tests call `run_job` directly.

The import itself is one transaction, so progress cannot be written through the
import's own connection (nobody would see it before the commit). On PostgreSQL the
progress is written through a second, autocommitting connection; SQLite allows one
writer at a time, so there the progress is kept in this process (`live_progress`),
which is where the development server that uses SQLite answers the polls.
"""

from __future__ import annotations

import threading
import time

from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.models import ImportJob

from .applier import run_import

_live: dict[int, tuple[int, int]] = {}
_lock = threading.Lock()
PUBLISH_EVERY_SECONDS = 0.5
MAX_STORED_ERRORS = 1000  # a whole file of bad rows must not make the status page unusable


def live_progress(job_id: int) -> tuple[int, int] | None:
    """(processed, total) of a job running in this process, or None."""
    with _lock:
        return _live.get(job_id)


class _Publisher:
    """Throttled progress: at most every half second, and always the last row."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.side = None
        self.last = 0.0
        if connection.vendor != "sqlite":
            self.side = connections.create_connection("default")

    def __call__(self, done: int, total: int) -> None:
        with _lock:
            _live[self.job_id] = (done, total)
        now = time.monotonic()
        if self.side is None or (now - self.last < PUBLISH_EVERY_SECONDS and done != total):
            return
        self.last = now
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET processed = %s, total = %s WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        with _lock:
            _live.pop(self.job_id, None)


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
            {"line": 0, "column": "", "reason": _("… och %(n)s fel till.") % {"n": more}}
        )
    job.status = ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED
    job.batch_id = result.batch_id
    job.finished_at = timezone.now()
    job.save()
    return job


def start_in_background(job_id: int, data: bytes) -> threading.Thread:
    """Run the job in a daemon thread with its own database connection."""

    def target() -> None:
        try:
            run_job(job_id, data)
        except Exception as exc:  # the status page must not spin forever
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.FAILED,
                errors=[{"line": 0, "column": "", "reason": str(exc)}],
                finished_at=timezone.now(),
            )
            raise
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=f"import-job-{job_id}", daemon=True)
    thread.start()
    return thread

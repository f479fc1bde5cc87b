"""`run_import_job ID`: the worker process of one web upload (docs/adr/0007).

Started by the web after the upload's transaction commits. It limits its own address
space and CPU time before it reads the file, so a file that would need more fails this
process only, and the web's waiting thread marks the job failed.
"""

import os
import resource
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from referrals.importing.jobs import (
    fail_job,
    run_job,
    spool_path,
    unexpected_reason,
    worker_died_reason,
)

DEFAULT_MEMORY_MB = 1536
DEFAULT_CPU_SECONDS = 900


def _setting(name: str, default: int) -> int:
    """The environment first (the web starts the worker with its own), then settings."""
    value: Any = os.environ.get(name) or getattr(settings, name, default)
    return int(value)


def limit_resources() -> None:
    memory = _setting("IMPORT_WORKER_MEMORY_MB", DEFAULT_MEMORY_MB) * 1024 * 1024
    cpu = _setting("IMPORT_WORKER_CPU_SECONDS", DEFAULT_CPU_SECONDS)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


class Command(BaseCommand):
    help = "Kör en uppladdad import (startas av webbgränssnittet)."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id: int, **options):
        path = spool_path(job_id)
        try:
            data = path.read_bytes()
        except OSError:
            raise CommandError(f"Importjobb {job_id} har ingen uppladdad fil.") from None
        path.unlink(missing_ok=True)  # the personal data leaves the disk at once
        limit_resources()
        try:
            run_job(job_id, data)
        except MemoryError:
            del data
            fail_job(job_id, worker_died_reason())
            raise CommandError("Importen nådde minnesgränsen.") from None
        except Exception:
            fail_job(job_id, unexpected_reason())
            raise

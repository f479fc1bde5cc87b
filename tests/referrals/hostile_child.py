"""Child process of the hostile-file test: read and check one file, print the errors as JSON.

It runs the import's reading and row checks (`prepare.parse`, where every file-level
refusal is made) under the address-space limit the parent sets, without a database: the
programmes are given, unsaved.
"""

import json
import os
import resource
import sys
import time


def peak_rss_mb() -> float:
    """VmHWM: this process's peak RSS since its exec (ru_maxrss would count the parent's
    memory at fork, which Linux carries over)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(path: str, limit_mb: int) -> None:
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from datetime import date

    from programmes.models import Programme
    from referrals.importing.prepare import parse

    started = time.monotonic()
    with open(path, "rb") as f:
        data = f.read()
    parsed = parse(
        data,
        os.path.basename(path),
        programmes={"JOBBTORG": Programme(code="JOBBTORG")},
        today=date(2026, 12, 1),
    )
    print(
        json.dumps(
            {
                "errors": [e.as_dict() for e in parsed.errors],
                "events": len(parsed.events),
                "seconds": time.monotonic() - started,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

"""Time N concurrent writers of access-log rows (issue 15 item 2: reads without a global lock).

    DATABASE_URL=postgres://… python -m bench.audit_write_bench 20 50

Starts N threads, each with its own connection, each writing M access-log rows with
`log_read` one commit at a time (what N page views do). Prints the wall time, rows per
second and the p50/p95 time of one `log_read`; with the sealed blocks (ADR 0109) also the
oldest unsealed entry seen while it ran (sampled every 0.1 s) and what waits at the end.
Works on the code before the blocks too (the same call), for the before/after numbers.
Run it on a scratch database: the rows are left behind.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time


def _writer(n: int, m: int, times: list[float], start: threading.Barrier) -> None:
    from django.db import connection

    from audit.services import log_read

    try:
        start.wait()
        for i in range(m):
            began = time.perf_counter()
            log_read(user=None, action="bench.read", participant_ids=[n * m + i], operator="b")
            times.append(time.perf_counter() - began)
    finally:
        connection.close()


def _watch(stop: threading.Event, ages: list[float]) -> None:
    from django.db import connection

    from audit import chain

    try:
        while not stop.wait(0.1):
            ages.append(chain.status().oldest_unsealed_seconds or 0.0)
    finally:
        connection.close()


def main(n: int, m: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from audit import chain

    sealed_blocks = hasattr(chain, "status")
    times: list[float] = []
    ages: list[float] = []
    start, stop = threading.Barrier(n), threading.Event()
    threads = [threading.Thread(target=_writer, args=(i, m, times, start)) for i in range(n)]
    watcher = threading.Thread(target=_watch, args=(stop, ages)) if sealed_blocks else None
    began = time.perf_counter()
    for t in [*threads, *([watcher] if watcher else [])]:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    stop.set()
    quantiles = statistics.quantiles(times, n=20)
    print(
        f"{n} writers x {m} rows: {elapsed:.2f} s, {n * m / elapsed:.0f} rows/s, "
        f"log_read p50 {quantiles[9] * 1000:.1f} ms, p95 {quantiles[18] * 1000:.1f} ms"
    )
    if watcher:
        watcher.join()
        status = chain.status()
        print(
            f"oldest unsealed entry while writing: {max(ages, default=0.0):.2f} s; at the end: "
            f"{status.unsealed} unsealed, {status.blocks} blocks"
        )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 20, int(sys.argv[2]) if len(sys.argv) > 2 else 50
    )

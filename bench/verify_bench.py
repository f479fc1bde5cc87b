"""Time `verify_audit` over a chain of N access-log links (issue 17: verify in batches).

    DATABASE_URL=postgres://… python -m bench.verify_bench 50000

Writes N access-log rows with bulk_create, chains them in one append, then times
`chain.verify()` and counts its queries. Run it on an empty scratch database: the
rows are left behind.
"""

from __future__ import annotations

import os
import sys
import time


def main(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connection, transaction

    from audit import chain
    from audit.models import AccessLog, ChainEntry

    have = ChainEntry.objects.count()
    if have < n:
        rows = [
            AccessLog(action="bench.read", participant_ids=[i], person_count=1)
            for i in range(n - have)
        ]
        with transaction.atomic():
            AccessLog.objects.bulk_create(rows, batch_size=5000)
            chain.append_rows(rows)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        mismatch = chain.verify()
        elapsed = time.perf_counter() - started
    links = ChainEntry.objects.count()
    print(
        f"{connection.vendor}: {links} links verified in {elapsed:.2f} s, "
        f"{len(queries)} queries, result: {mismatch or 'ok'}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)

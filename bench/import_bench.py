"""Time `import_history` on one engine: a fresh schema, then one import of FILE.

Usage: DATABASE_URL=... python bench/import_bench.py FILE [--no-capacity] [--profile]
[--no-summary-triggers]
(one JSON object on stdout). The PostgreSQL database named by DATABASE_URL is wiped first
(its public schema). `--profile` runs the import under cProfile and writes the top
functions by own and cumulative time to stderr (the figures then include its overhead).

`--no-capacity` clears the programmes' place limits first: `generate_history` does not
keep within them (a large file fills JOBBTORG's 100 anställning places), so a big
generated file is refused as a whole by the capacity rule otherwise.

`--no-summary-triggers` drops the indicator summary's triggers first (ADR 0112), to
measure what they cost the import.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def reset_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        return "postgresql"
    path = Path(url.removeprefix("sqlite:///"))
    path.unlink(missing_ok=True)
    return "sqlite"


def main(file: str, *options: str) -> None:
    engine = reset_database()
    import django

    django.setup()
    from django.core.management import call_command

    from programmes.models import InsatsRule, Unit
    from referrals.importing.applier import run_import

    call_command("migrate", verbosity=0)
    if "--no-summary-triggers" in options:  # to measure what the triggers cost (ADR 0112)
        from importlib import import_module

        from django.db import connection

        summary = import_module("casework.migrations.0013_indicator_summary")
        with connection.schema_editor() as editor:
            summary.drop_triggers(None, editor)
    if "--no-capacity" in options:
        InsatsRule.objects.update(capacity=None)
    data = Path(file).read_bytes()
    unit = Unit.objects.get(code="sikta-sodra")
    profiler = None
    if "--profile" in options:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    result = run_import(data, filename=Path(file).name, unit=unit)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
    if not result.ok:
        raise SystemExit(f"import failed: {[str(e) for e in result.errors[:5]]}")
    print(
        json.dumps(
            {
                "engine": engine,
                "capacity": "--no-capacity" not in options,
                "rows": result.rows,
                "seconds": round(seconds, 2),
                "rows_per_second": round(result.rows / seconds, 1),
                "cpu_seconds": round(cpu, 2),
                "rows_per_cpu_second": round(result.rows / cpu, 1),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

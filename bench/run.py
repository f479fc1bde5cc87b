"""`make bench`: import throughput, indicator timing, load on the web, DuckDB cross-check.

A benchmark, not a test: it prints a table and writes bench/results/<date>.json.
Scale and engines come from the environment:

  BENCH_ROWS      rows in the generated history (default 100000)
  BENCH_SEED      generator seed (default 42)
  BENCH_ENGINES   comma list of sqlite,postgresql (default both)
  BENCH_PG_URL    PostgreSQL database to use; its public schema is WIPED (no default:
                  without it the PostgreSQL part is skipped with a note)
  BENCH_UNTIL     last date of the history (default 2026-11-23, so files are comparable)

Parts whose code is not in this branch (casework.indicators, the caseload view) are
skipped with a printed note rather than faked.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def generate(rows: int, seed: int, until: str) -> Path:
    out = ROOT / "var" / "bench" / f"history-{rows}-{seed}-{until}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        persons = rows // 5 + 100  # about 5.7 events per person; the file is cut at `rows`
        subprocess.run(
            [
                PY,
                "manage.py",
                "generate_history",
                "--persons",
                str(persons),
                "--seed",
                str(seed),
                "--rows",
                str(rows),
                "--until",
                until,
                "--out",
                str(out),
            ],
            cwd=ROOT,
            check=True,
        )
    return out


def in_database(url: str, script: str, *args: str) -> dict:
    done = subprocess.run(
        [PY, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def tertials(until: str) -> list[list[str]]:
    year = date.fromisoformat(until).year - 1
    return [
        [f"{year}-01-01", f"{year}-04-30"],
        [f"{year}-05-01", f"{year}-08-31"],
        [f"{year}-09-01", f"{year}-12-31"],
    ]


def duckdb_part(path: Path, periods: list[list[str]]) -> dict:
    import duckdb_indicators

    began = time.perf_counter()
    con = duckdb_indicators.load(str(path))
    load_seconds = time.perf_counter() - began
    out = {"load_seconds": round(load_seconds, 3), "periods": {}}
    for start, end in periods:
        began = time.perf_counter()
        numbers = duckdb_indicators.indicators(con, start, end)
        out["periods"][f"{start}..{end}"] = {
            "seconds": round(time.perf_counter() - began, 3),
            "indicators": numbers,
        }
    return out


def compare(app: dict, duck: dict) -> list[str]:
    """Differences between the app's report and DuckDB's, per period and indicator."""
    notes = []
    for period, data in duck["periods"].items():
        report = app.get(period, {}).get("report", {}).get("indicators", {})
        for code, numbers in data["indicators"].items():
            mine = {k: report.get(code, {}).get(k) for k in numbers}
            if mine != numbers:
                notes.append(f"{period} {code}: app {mine} ≠ duckdb {numbers}")
    return notes


def engine_urls() -> dict[str, str | None]:
    chosen = env("BENCH_ENGINES", "sqlite,postgresql").split(",")
    urls: dict[str, str | None] = {}
    if "sqlite" in chosen:
        urls["sqlite"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}"
    if "postgresql" in chosen:
        urls["postgresql"] = os.environ.get("BENCH_PG_URL") or None
    return urls


def main() -> None:
    rows, seed = int(env("BENCH_ROWS", "100000")), int(env("BENCH_SEED", "42"))
    until = env("BENCH_UNTIL", "2026-11-23")
    path = generate(rows, seed, until)
    periods = tertials(until)
    result = {
        "date": date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "rows": rows,
        "seed": seed,
        "file": path.name,
        "engines": {},
        "notes": [],
    }
    duck = duckdb_part(path, periods)
    result["duckdb"] = duck
    for engine, url in engine_urls().items():
        if url is None:
            result["notes"].append(f"{engine}: hoppades över (sätt BENCH_PG_URL)")
            continue
        part = {"import": in_database(url, "import_bench.py", str(path))}
        probe = in_database(url, "app_probe.py", json.dumps(periods))
        part["indicators"] = probe["indicators"]
        if "skipped" in probe["indicators"]:
            result["notes"].append(f"{engine}: indikatorer: {probe['indicators']['skipped']}")
        else:
            part["duckdb_differences"] = compare(probe["indicators"], duck)
        if not any(probe["views"].values()):
            result["notes"].append(
                f"{engine}: belastningstest hoppades över: ärendelistan och statusbytet finns "
                "inte i den här grenen"
            )
        result["engines"][engine] = part
    write(result)


def write(result: dict) -> None:
    out = ROOT / "bench" / "results" / f"{result['date']}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\nBenchmark {result['date']} — {result['machine']['cpus']} kärnor, "
        f"{result['rows']} rader ({result['file']})"
    )
    print(f"{'del':34} {'sqlite':>14} {'postgresql':>14}")
    engines = result["engines"]

    def cell(engine: str, pick) -> str:
        try:
            return str(pick(engines[engine]))
        except (KeyError, TypeError):
            return "–"

    print(
        f"{'import, rader/s':34} {cell('sqlite', lambda e: e['import']['rows_per_second']):>14}"
        f" {cell('postgresql', lambda e: e['import']['rows_per_second']):>14}"
    )
    print(
        f"{'import, rader per CPU-sekund':34} "
        f"{cell('sqlite', lambda e: e['import']['rows_per_cpu_second']):>14}"
        f" {cell('postgresql', lambda e: e['import']['rows_per_cpu_second']):>14}"
    )
    for period, data in result["duckdb"]["periods"].items():
        print(f"{'duckdb ' + period + ', s':34} {data['seconds']:>14}")
    for note in result["notes"]:
        print(f"OBS: {note}")
    print(f"Resultat: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

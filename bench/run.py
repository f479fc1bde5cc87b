"""`make bench`: import throughput, indicator timing at scale, DuckDB cross-check, web load.

A benchmark, not a test: it prints a table and writes bench/results/<date>-scale.json.
It exits non-zero when the application's indicators differ from DuckDB's.
Scale and engines come from the environment:

  BENCH_ROWS            rows of the file `import_history` is timed on (default 100000). The
                        programmes' place limits are cleared for that import: generated
                        files do not keep within them (bench/import_bench.py)
  BENCH_PG_PERSONS      participants bulk-loaded into PostgreSQL (default 1000000)
  BENCH_SQLITE_PERSONS  participants bulk-loaded into SQLite (default 100000)
  BENCH_SEED            generator seed (default 42)
  BENCH_ENGINES         comma list of sqlite,postgresql (default both)
  BENCH_PG_URL          PostgreSQL database to use; its public schema is WIPED (no default:
                        without it the PostgreSQL part is skipped with a note)
  BENCH_UNTIL           last date of the history (default 2026-11-23, so files are comparable)
  BENCH_LOAD_ENGINES    engines the web load test runs on (default postgresql)
  BENCH_USERS, BENCH_CASELOAD, BENCH_REQUESTS, BENCH_LOAD_SECONDS   see bench/load_probe.py
  BENCH_SERVER                  extra gunicorn options after config/gunicorn.conf.py (the
                                production configuration), e.g. "--workers=6" or
                                "--worker-class=gthread --threads=2 --keep-alive=30"
  BENCH_API_CLIENTS, BENCH_API_REQUESTS, BENCH_API_PACED_REQUESTS   the API load test:
                        clients, and different persons per client without pause (500)
                        and paced (100), see bench/api_probe.py
  BENCH_API_RATE        requests a second per API client in the paced run (default 2)

`python bench/run.py api_load` runs only the API load test on BENCH_PG_URL as it stands.
`python bench/run.py web_load` runs only the web load test on BENCH_PG_URL as it stands.
`python bench/run.py mixed_load` runs only the mixed load (coaches and a manager's report).
The mixed load runs `manage.py seal_audit --loop` beside gunicorn, as production does, stops
it with the run, and reports the sealer's CPU and the audit chain's unsealed entries and
the oldest one's age, sampled every second and at the end (BENCH_CHAIN_EVERY).

The scale databases are filled by `bench/bulk_load.py` (the same content as
`import_history`, tests/referrals/test_bulk_load_equivalence.py), without audit chain rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import runpy
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(ROOT))


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def generate(until: str, seed: int, *, persons: int, rows: int | None = None) -> tuple[Path, float]:
    """The generated file (reused when it exists) and the seconds generating it took now."""
    name = f"history-{rows}-{seed}-{until}.csv" if rows else f"persons-{persons}-{seed}-{until}.csv"
    out = ROOT / "var" / "bench" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        return out, 0.0
    args = ["--persons", str(persons), "--seed", str(seed), "--until", until, "--out", str(out)]
    if rows:
        args += ["--rows", str(rows)]
    began = time.perf_counter()
    subprocess.run([PY, "manage.py", "generate_history", *args], cwd=ROOT, check=True)
    return out, round(time.perf_counter() - began, 1)


CHUNK = 100_000  # persons per generator run; larger runs exhaust the generator's serials


def generate_scale(until: str, seed: int, persons: int) -> tuple[Path, float]:
    """A file of `persons` people: chunks of 100,000 from seeds seed, seed+1, …

    The generator draws serials from 980–999 only, so a single run of a million persons
    spends most of its time looking for free birth dates. Chunk k is moved to serials
    980-20k … 999-20k (check digit recomputed), so personnummer stay unique across chunks.
    """
    if persons <= CHUNK:
        return generate(until, seed, persons=persons)
    out = ROOT / "var" / "bench" / f"persons-{persons}-{seed}-{until}.csv"
    if out.exists():
        return out, 0.0
    began = time.perf_counter()
    partial = out.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="") as target:
        for k in range((persons + CHUNK - 1) // CHUNK):
            chunk, _ = generate(until, seed + k, persons=min(CHUNK, persons - k * CHUNK))
            with chunk.open(encoding="utf-8", newline="") as source:
                header = next(source)
                if k == 0:
                    target.write(header)
                for line in source:
                    target.write(shift_serial(line, 20 * k) if k else line)
    partial.rename(out)
    return out, round(time.perf_counter() - began, 1)


def shift_serial(line: str, offset: int) -> str:
    from casework.personnummer import luhn_digit

    pnr = line[:12]
    serial = int(pnr[8:11]) - offset
    nine = f"{pnr[2:8]}{serial:03d}"
    return f"{pnr[:8]}{serial:03d}{luhn_digit(nine)}{line[12:]}"


def in_database(url: str, script: str, *args: str, settings: dict | None = None) -> dict:
    done = subprocess.run(
        [PY, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=settings or {**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench/{script} failed:\n{done.stderr[-3000:]}")
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
    out: dict[str, Any] = {"load_seconds": round(load_seconds, 3), "periods": {}}
    for start, end in periods:
        duckdb_indicators.indicators(con, start, end)  # warm-up, like the app's
        best, numbers = None, None
        for _ in range(3):
            began = time.perf_counter()
            numbers = duckdb_indicators.indicators(con, start, end)
            took = time.perf_counter() - began
            best = took if best is None else min(best, took)
        assert best is not None  # three runs above
        out["periods"][f"{start}..{end}"] = {"seconds": round(best, 3), "indicators": numbers}
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The production configuration; BENCH_SERVER adds options after it, for comparisons.
GUNICORN = ["--config=config/gunicorn.conf.py", *env("BENCH_SERVER", "").split()]


def server_info() -> dict:
    """The server as it ran: gunicorn's own reading of the configuration and options."""
    from gunicorn.config import Config

    cfg = Config()
    for key, value in runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py")).items():
        if key in cfg.settings:
            cfg.set(key, value)
    for key, value in vars(cfg.parser().parse_args(GUNICORN[1:])).items():
        if key in cfg.settings and value is not None:
            cfg.set(key, value)
    return {
        "server": f"gunicorn {cfg.worker_class_str}",
        "workers": cfg.workers,
        "threads": cfg.threads,
        "options": " ".join(GUNICORN),
    }


def serve_env(url: str) -> dict:
    """Production settings (DEBUG off, whitenoise, CSP, TOTP) on plain-HTTP loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",  # persistent connections, one per worker thread
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "AUDIT_CHAIN_KEY": "bench-only-chain-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # no TLS on loopback; a proxy terminates it in production
        # The sealer runs as a service beside the server (`sealing`), as in production
        # (ADR 0109): a request leaves the sealing to it.
        "AUDIT_SEAL_AFTER_COMMIT": "0",
    }


def web_load(url: str, *, mixed: bool = False) -> dict:
    """gunicorn on loopback over the benchmark database, driven from a second process.

    config/gunicorn.conf.py, production's configuration (BENCH_SERVER adds options). The
    probe's coaches are made first; afterwards the journal must hold one move per
    successful POST. `mixed`: each coach also reads the case page, and a manager pulls a
    tertial report every 2 s (bench/load_probe.py). The probe reads the server's CPU time
    (master and workers) around the counted requests.
    """
    served = serve_env(url)  # the sessions are signed with the server's SECRET_KEY
    setup = in_database(url, "load_probe.py", "setup", settings=served)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(setup, f)
    log = "gunicorn-mixed.log" if mixed else "gunicorn.log"
    with (
        serving(served, log) as (base, pid),
        sealing(served, ROOT / "var" / "bench" / f"sealer-{log}") as sealer_pid,
        # Cleans the persons the coaches' moves mark; builds no tertial during the run.
        beside(
            served,
            ["indicator_summary", "--loop", "--tertials", "0"],
            ROOT / "var" / "bench" / f"summary-{log}",
        ) as summary_pid,
    ):
        args = [f.name, "--server-pid", str(pid), *(["--mixed"] if mixed else [])]
        # The workers' CPU, and the chain's state during the run and at its end.
        args += ["--sealer-pid", str(sealer_pid), "--summary-pid", str(summary_pid), "--chain"]
        done = subprocess.run(
            [PY, str(ROOT / "bench" / "load_probe.py"), "drive", base, *args],
            cwd=ROOT,
            env=served,
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    moved = in_database(url, "load_probe.py", "verify", f.name)["moved"]
    Path(f.name).unlink()
    if moved != result["state_change"]["requests"]:
        result["errors"]["journal"] = f"{moved} flyttar i journalen"
    return {"unit": setup["unit"], **server_info(), **result}


@contextlib.contextmanager
def serving(served: dict, log_name: str):
    """gunicorn (GUNICORN options) on a free loopback port; yields the base URL and the
    master's process id, once a request is answered (the workers have loaded the app)."""
    port = free_port()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)  # `run.py web_load` alone
    # Production serves the collected static files (whitenoise's manifest): without them
    # every page is a 500, the login page the readiness check asks for included.
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=served, check=True
    )
    log = (ROOT / "var" / "bench" / log_name).open("w")
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "config.wsgi:application", f"--bind=127.0.0.1:{port}", *GUNICORN],
        cwd=ROOT,
        env=served,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/konto/logga-in/", timeout=5)
                break
            except urllib.error.HTTPError as error:  # it answers, wrongly: no use waiting
                raise SystemExit(f"gunicorn answers {error.code}: see {log.name}") from error
            except OSError:  # not listening yet
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer within a minute: see {log.name}")
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@contextlib.contextmanager
def sealing(served: dict, log_path: Path | None = None):
    """`manage.py seal_audit --loop` beside the server, as production runs it (`make run`);
    yields its process id and stops it with the run, whatever ends the run. A run that
    ends well then seals what its last second left: the next run's chain watch counted
    those as its own oldest unsealed entries (44.4 s after a mixed load that followed
    another)."""
    log = log_path or ROOT / "var" / "bench" / "sealer-mixed.log"
    with beside(served, ["seal_audit", "--loop"], log) as pid:
        yield pid
    subprocess.run(
        [PY, "manage.py", "seal_audit"], cwd=ROOT, env=served, check=True, stdout=subprocess.DEVNULL
    )


@contextlib.contextmanager
def beside(served: dict, command: list[str], log_path: Path):
    """A `manage.py` worker loop beside the server (`make run` starts the sealer and the
    indicator summary's keeper); yields its process id and stops it with the run."""
    log = log_path.open("w")
    worker = subprocess.Popen(
        [PY, "manage.py", *command], cwd=ROOT, env=served, stdout=log, stderr=log
    )
    try:
        yield worker.pid
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


API_RATE = float(env("BENCH_API_RATE", "2"))
API_REQUESTS = int(env("BENCH_API_REQUESTS", "500"))  # per client, the saturation run
PACED = int(env("BENCH_API_PACED_REQUESTS", "100"))  # per client, the paced run


def api_load(url: str) -> dict:
    """BENCH_API_CLIENTS threads asking GET /api/v1/participation over gunicorn (issue 16),
    twice: without pause ("saturation": the server's capacity; each client's latency is
    then the clients over the throughput) and each client BENCH_API_RATE times a second
    ("paced": the latency at a stated load, bench/api_probe.py). Afterwards the access
    log must hold one row per answered read."""
    served = serve_env(url)
    setup = in_database(url, "api_probe.py", "setup", settings=served)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(setup, f)
    runs = {}
    with (
        serving(served, "gunicorn-api.log") as (base, pid),
        sealing(served, ROOT / "var" / "bench" / "sealer-api.log") as sealer_pid,
    ):
        for name, rate, each in (("saturation", 0.0, API_REQUESTS), ("paced", API_RATE, PACED)):
            args = [base, f.name, "--server-pid", str(pid), "--sealer-pid", str(sealer_pid)]
            args += ["--rate", str(rate)]
            args += ["--per-client", str(each)]
            done = subprocess.run(
                [PY, str(ROOT / "bench" / "api_probe.py"), "drive", *args],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
    logged = in_database(url, "api_probe.py", "verify", f.name, settings=served)["logged"]
    Path(f.name).unlink()
    answered = sum(run["participation"]["requests"] + run["warm_up"] for run in runs.values())
    if logged != answered:
        runs["saturation"]["errors"]["access_log"] = f"{logged} rader i åtkomstloggen"
    return {
        "unit": setup["unit"],
        "persons_asked": len(setup["personnummer"]),
        **server_info(),
        **runs,
    }


def scale_part(
    engine: str, url: str, persons: int, seed: int, until: str, periods, *, load: bool = True
) -> dict:
    path, gen_seconds = generate_scale(until, seed, persons)
    part: dict = {"persons": persons, "file": path.name, "generate_seconds": gen_seconds}
    part["duckdb"] = duck = duckdb_part(path, periods)
    part["bulk_load"] = in_database(url, "bulk_load.py", str(path), "--reset")
    # The report from the spells, then from the per-person summary (ADR 0112) built after
    # the load: the same numbers, or the run fails below.
    from_spells = in_database(url, "app_probe.py", json.dumps(periods))
    probe = in_database(url, "app_probe.py", json.dumps(periods), "--summary")
    part["counts"] = probe["counts"]
    part["summary"] = probe["summary"]
    part["indicators_from_spells"] = _timings(from_spells)
    part["indicators"] = _timings(probe)
    part["summary_differences"] = [
        period
        for period, data in probe["indicators"].items()
        if data["report"] != from_spells["indicators"][period]["report"]
    ]
    part["ratio_app_duckdb"] = {
        period: round(data["seconds"] / max(duck["periods"][period]["seconds"], 1e-6), 1)
        for period, data in probe["indicators"].items()
    }
    part["duckdb_differences"] = compare(probe["indicators"], duck)
    part["app_numbers"] = {p: d["report"]["indicators"] for p, d in probe["indicators"].items()}
    if load and engine in env("BENCH_LOAD_ENGINES", "postgresql").split(","):
        part["web_load"] = web_load(url)
        part["mixed_load"] = web_load(url, mixed=True)
        part["api_load"] = api_load(url)
    return part


def _timings(probe: dict) -> dict:
    return {
        period: {
            "seconds": data["seconds"],
            "all_seconds": data["all_seconds"],
            "with_previous_year_seconds": data.get("with_previous_year_seconds"),
            "chart_seconds": data.get("chart_seconds"),
        }
        for period, data in probe["indicators"].items()
    }


def main() -> None:
    seed, until = int(env("BENCH_SEED", "42")), env("BENCH_UNTIL", "2026-11-23")
    rows = int(env("BENCH_ROWS", "100000"))
    scale = {  # a comma list measures the scaling; the web load runs at the last size
        "sqlite": [int(n) for n in env("BENCH_SQLITE_PERSONS", "100000").split(",")],
        "postgresql": [int(n) for n in env("BENCH_PG_PERSONS", "1000000").split(",")],
    }
    periods = tertials(until)
    result: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "seed": seed,
        "until": until,
        "engines": {},
        "notes": [],
    }
    earlier = ROOT / "bench" / "results" / f"{result['date']}-scale.json"
    if earlier.exists():  # engines not chosen this time keep today's earlier measurement
        kept = json.loads(earlier.read_text())["engines"]
        for engine in kept.keys() - engine_urls().keys():
            result["engines"][engine] = kept[engine]
            result["notes"].append(f"{engine}: från en tidigare körning i dag")
    import_file, _ = generate(until, seed, persons=rows // 5 + 100, rows=rows)
    for engine, url in engine_urls().items():
        if url is None:
            result["notes"].append(f"{engine}: hoppades över (sätt BENCH_PG_URL)")
            continue
        part: dict[str, Any] = {
            "import": in_database(url, "import_bench.py", str(import_file), "--no-capacity")
        }
        sizes = scale[engine]
        part["smaller"] = [
            scale_part(engine, url, n, seed, until, periods, load=False) for n in sizes[:-1]
        ]
        part["scale"] = scale_part(engine, url, sizes[-1], seed, until, periods)
        result["engines"][engine] = part
        write(result)  # keep what is measured even if a later engine fails
    write(result)
    report(result)
    differences = [
        d
        for e in result["engines"].values()
        for part in [*e["smaller"], e["scale"]]
        for d in [*part["duckdb_differences"], *part.get("summary_differences", [])]
    ]
    if differences:
        print("\nFEL: applikationens indikatorer skiljer sig från DuckDB:s:", file=sys.stderr)
        for line in differences:
            print(f"  {line}", file=sys.stderr)
        raise SystemExit(1)


def write(result: dict) -> Path:
    out = ROOT / "bench" / "results" / f"{result['date']}-scale.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return out


def report(result: dict) -> None:
    engines = result["engines"]
    names = list(engines)
    print(f"\nBenchmark {result['date']}: {result['machine']['cpus']} kärnor")
    print("| del | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))

    def line(label: str, pick) -> None:
        cells = []
        for name in names:
            try:
                cells.append(str(pick(engines[name])))
            except (KeyError, TypeError, IndexError):
                cells.append("–")
        print(f"| {label} | " + " | ".join(cells) + " |")

    line("import_history, rader/s", lambda e: e["import"]["rows_per_second"])
    line("deltagare (bulkladdade)", lambda e: e["scale"]["counts"]["participants"])
    line("övergångar", lambda e: e["scale"]["counts"]["transitions"])
    line("bulkladdning, s", lambda e: e["scale"]["bulk_load"]["seconds"])
    line(
        "sammanställning per person, s (alla tertialer)",
        lambda e: round(sum(e["scale"]["summary"]["seconds"].values()), 1),
    )
    periods = next(iter(engines.values()))["scale"]["indicators"] if engines else {}
    for period in periods:
        line(
            f"indikatorrapport {period}, s (från spells)",
            lambda e, p=period: e["scale"]["indicators_from_spells"][p]["seconds"],
        )
        line(
            f"indikatorrapport {period}, s",
            lambda e, p=period: e["scale"]["indicators"][p]["seconds"],
        )
        line(
            f"indikatorrapport med förra året {period}, s",
            lambda e, p=period: e["scale"]["indicators"][p].get("with_previous_year_seconds"),
        )
        line(
            f"sex tertialers diagram {period}, s",
            lambda e, p=period: e["scale"]["indicators"][p].get("chart_seconds"),
        )
        line(
            f"DuckDB {period}, s", lambda e, p=period: e["scale"]["duckdb"]["periods"][p]["seconds"]
        )
        line(f"kvot app/DuckDB {period}", lambda e, p=period: e["scale"]["ratio_app_duckdb"][p])
    line("ärendelista p50 / p95, ms", lambda e: _pair(e["scale"]["web_load"]["caseload"]))
    line(
        "byte av insats (POST) p50 / p95, ms",
        lambda e: _pair(e["scale"]["web_load"]["state_change"]),
    )
    for kind in ("caseload", "case_page", "state_change", "report"):
        line(
            f"blandad last: {kind} p50 / p95 / p99, ms",
            lambda e, k=kind: _triple(e["scale"]["mixed_load"][k]),
        )
    line(
        "blandad last: server-CPU ms per förfrågan; förfrågningar/s per kärna",
        lambda e: _cost(e["scale"]["mixed_load"]["server_cost"]),
    )
    line(
        "blandad last: servern, förseglaren, sammanställningen: CPU ms per förfrågan, "
        "egen / PostgreSQL:s",
        lambda e: ", ".join(
            _own_and_database(e["scale"]["mixed_load"][f"{w}_cost"])
            for w in ("server", "sealer", "summary")
        ),
    )
    line(
        "blandad last: ej förseglade poster vid slutet; äldsta, s (högst under körningen)",
        lambda e: _chain(e["scale"]["mixed_load"]["audit_chain"]),
    )
    for run in ("saturation", "paced"):
        line(
            f"API participation ({run}) p50 / p95 / p99, ms",
            lambda e, r=run: _triple(e["scale"]["api_load"][r]["participation"]),
        )
    line(
        "API participation (saturation): server-CPU ms per förfrågan; förfrågningar/s per kärna",
        lambda e: _cost(e["scale"]["api_load"]["saturation"]["server_cost"]),
    )
    line("avvikelser mot DuckDB", lambda e: len(e["scale"]["duckdb_differences"]))
    for name in names:
        for part in engines[name]["smaller"]:
            times = ", ".join(f"{d['seconds']}" for d in part["indicators"].values())
            print(
                f"{name} vid {part['counts']['participants']} deltagare: indikatorrapport "
                f"per tertial {times} s; bulkladdning {part['bulk_load']['seconds']} s"
            )
    for note in result["notes"]:
        print(f"OBS: {note}")
    print(f"Resultat: bench/results/{result['date']}-scale.json")


def _triple(data: dict) -> str:
    return f"{data['p50_ms']} / {data['p95_ms']} / {data['p99_ms']} ({data['requests']} st)"


def _own_and_database(data: dict) -> str:
    return f"{data['cpu_ms_per_request']} / {data.get('postgresql_cpu_ms_per_request')}"


def _cost(data: dict) -> str:
    return f"{data['cpu_ms_per_request']}; {data['requests_per_second_per_core']}"


def _chain(data: dict) -> str:
    end, most = data["end"], data["max_oldest_unsealed_seconds"]
    age = end["oldest_unsealed_seconds"] or 0
    return f"{end['unsealed']}; {age} ({most})"


def _pair(data: dict) -> str:
    return f"{data['p50_ms']} / {data['p95_ms']} ({data['requests']} st)"


if __name__ == "__main__":
    if sys.argv[1:] == ["api_load"]:  # only the API load test, on BENCH_PG_URL as it is now
        print(json.dumps(api_load(os.environ["BENCH_PG_URL"]), indent=2, ensure_ascii=False))
        raise SystemExit(0)
    if sys.argv[1:] == ["web_load"]:  # only the load test, on BENCH_PG_URL as it is now
        print(json.dumps(web_load(os.environ["BENCH_PG_URL"]), indent=2, ensure_ascii=False))
    elif sys.argv[1:] == ["mixed_load"]:  # only the mixed load, on BENCH_PG_URL as it is now
        found = web_load(os.environ["BENCH_PG_URL"], mixed=True)
        print(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        main()

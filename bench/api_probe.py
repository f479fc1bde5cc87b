"""Load on the API from a second process: GET /api/v1/participation (issue 16).

`setup` (inside the benchmark database, DATABASE_URL): makes a system client of the
unit with the most cases per caller (CLIENTS systems, as in a county: each its own token
and its own rate window), with `status:read` and a limit no benchmark reaches; picks
CLIENTS × REQUESTS persons of that unit spread over its whole id range, and prints
{"tokens": [...], "unit": ..., "personnummer": [...], "clients": [ids], ...}.

`drive URL SETUP_JSON [--rate R] [--per-client N]`: CLIENTS threads, each with its own
connection (kept alive where the server keeps it), each asks for its share of the
persons (REQUESTS, or the first N of them) within SECONDS, after one read each before
the clock starts (its worker's first request; logged, not a sample). Without a rate each
asks again as soon as it has its answer (a saturation run: the latency is then CLIENTS
divided by the throughput, whatever the request costs). With `--rate R` each client asks
R times a second on a fixed schedule from a random phase, and a request's latency counts
from its scheduled moment, so a late answer also delays the samples behind it (no
coordinated omission). Only a 200 that names the asked person is a latency sample;
anything else is counted in "errors". Loopback only. Besides the server's CPU it reports
the CPU of PostgreSQL's backends for the database, of the driver itself and, with
`--sealer-pid PID`, of the audit sealer beside the server (its backend is among the
database's) per request: all of them share the machine's cores.

`verify SETUP_JSON`: how many access-log rows name the client (one per answered read).

`profile [--repeat N] [--sql]` (DATABASE_URL, production settings as the load test's
server): one process, Django's test client through the whole middleware; prints CPU ms
(process time, the least batch of five) and queries per participation request, and
cProfile's top functions on stderr. It makes its own client and token (like `setup`).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

from bench.load_probe import (
    backend_cpu_seconds,
    latency,
    postgres_backends,
    process_cpu_seconds,
    server_cost,
)

CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "20"))
# Different persons per client thread. bench/run.py's saturation run asks for all of them
# (10,000 reads, ~20 s; 2,000 took 3-5 s, and runs of that length spread by 20 ms in p95
# on the same code), its paced run for the first BENCH_API_PACED_REQUESTS (`--per-client`).
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "500"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "240"))


def setup() -> dict:
    import django

    django.setup()
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from api import services
    from api.models import ApiClient, Scope
    from casework.models import Case
    from programmes.models import Unit

    busiest = Case.objects.values("unit").annotate(n=Count("pk")).order_by("-n").first()
    assert busiest is not None, "the bench database has no cases"
    unit = Unit.objects.get(pk=busiest["unit"])
    clients = [
        services.client_save(
            client=ApiClient(
                name=f"bench-{time.time_ns()}-{n}",
                unit=unit,
                scopes=[Scope.STATUS_READ],
                expires_at=timezone.now() + timedelta(days=1),
                requests_per_minute=10_000_000,
            )
        )
        for n in range(CLIENTS)
    ]
    tokens = [services.token_issue(client=client) for client in clients]
    cases = Case.objects.filter(unit=unit, participant__skyddad_identitet=False)
    wanted = CLIENTS * REQUESTS
    step = max(1, cases.count() // wanted)
    ids = list(cases.order_by("pk").values_list("pk", flat=True)[::step][:wanted])
    people = Case.objects.filter(pk__in=ids).values_list("participant__personnummer", flat=True)
    from django.db import connection

    return {
        "token": tokens[0],  # `profile` asks as the first
        "tokens": tokens,
        "unit": unit.code,
        "clients": [client.pk for client in clients],
        "personnummer": list(people),
        "database": connection.settings_dict["NAME"],
    }


def verify(setup: dict) -> int:
    import django

    django.setup()
    from audit.models import AccessLog

    reads = AccessLog.objects.filter(client_id__in=setup["clients"], action="api.participation")
    return reads.count()


class Wire:
    """One client's HTTP/1.1 connection, kept alive where the server keeps it. Not
    http.client: it parses every answer's headers with the email package, which cost the
    driver 0.3 ms of CPU per read on the two cores it shares with the server and
    PostgreSQL, where another system's calls cost this machine nothing. Reads the status,
    Content-Length and Connection of an answer; raises OSError on anything else."""

    def __init__(self, host: str, port: int, timeout: float = 60):
        self.address, self.timeout = (host, port), timeout
        self.sock: socket.socket | None = None

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        reused = self.sock is not None
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
        try:
            self.sock.sendall(request)
            data = self._received()
        except ConnectionError:  # not a timeout: the server may still be answering
            if not reused:
                raise
            # A kept connection the server had closed meanwhile (HTTP/1.1 lets it):
            # nothing of the answer came, so ask again on a new one, as browsers do.
            self.close()
            return self.exchange(request)
        while (end := data.find(b"\r\n\r\n")) < 0:
            data += self._received()
        head, body = data[:end].lower(), data[end + 4 :]
        length = LENGTH.search(head)
        if length is None:
            self.close()
            raise ConnectionError("an answer without Content-Length")
        while len(body) < int(length[1]):
            body += self._received()
        if b"\r\nconnection: close" in head:
            self.close()
        return int(head[9:12]), body

    def _received(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            self.close()
            raise ConnectionError("the server closed the connection")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)")


class Caller:
    def __init__(self, host: str, port: int, token: str, people: list[str]):
        self.conn = Wire(host, port)
        self.headers = (
            f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\n\r\n"
        )
        self.people = people
        self.times: list[float] = []
        self.errors: list[str] = []
        self.warmed = 0

    def run(self, deadline: float, rate: float, ready: threading.Barrier) -> None:
        try:
            self.warm_up()
            ready.wait()
            self.work(deadline, rate)
        finally:
            self.conn.close()

    def warm_up(self) -> None:
        """One read before the clock starts (the worker's first request, the person's
        first pages), counted apart: not a sample, but an access-log row."""
        try:
            self.ask(self.people[-1], None)
        except OSError as error:
            self.errors.append(f"warm-up: {type(error).__name__}")
            self.conn.close()
        self.warmed, self.times = len(self.times), []

    def work(self, deadline: float, rate: float) -> None:
        due = time.perf_counter() + (random.random() / rate if rate else 0.0)
        for pnr in self.people:
            if time.monotonic() > deadline:
                break
            if rate:
                time.sleep(max(0.0, due - time.perf_counter()))
            try:
                self.ask(pnr, due if rate else None)
            except OSError as error:
                self.errors.append(f"participation: {type(error).__name__}")
                self.conn.close()  # the next request connects again
            due += 1 / rate if rate else 0.0

    def ask(self, pnr: str, due: float | None) -> None:
        path = "/api/v1/participation?" + urllib.parse.urlencode({"personnummer": pnr})
        request = f"GET {path} HTTP/1.1\r\n{self.headers}".encode()
        began = time.perf_counter() if due is None else due
        status, body = self.conn.exchange(request)
        took = time.perf_counter() - began
        if status == 200 and json.loads(body)["personnummer"] == pnr:
            self.times.append(took)
        else:
            self.errors.append(f"participation: HTTP {status}")


def database_cpu_seconds(name: str) -> float:
    """CPU seconds of the PostgreSQL backends connected to database `name` (Linux /proc)."""
    return sum(
        process_cpu_seconds(pid, descendants=False)
        for pid, title in postgres_backends().items()
        if f" {name} " in title
    )


def drive(
    url: str,
    setup: dict,
    *,
    server_pid: int | None = None,
    sealer_pid: int | None = None,
    rate: float = 0.0,
    per_client: int | None = None,
) -> dict:
    parsed = urllib.parse.urlsplit(url)
    assert parsed.hostname == "127.0.0.1", "loopback only"
    assert parsed.port is not None
    people = setup["personnummer"]
    callers = [
        Caller(parsed.hostname, parsed.port, setup["tokens"][n], people[n::CLIENTS][:per_client])
        for n in range(CLIENTS)
    ]
    deadline = time.monotonic() + SECONDS
    ready = threading.Barrier(len(callers) + 1, timeout=300)
    threads = [threading.Thread(target=c.run, args=(deadline, rate, ready)) for c in callers]
    database = setup["database"]
    for t in threads:
        t.start()
    ready.wait()  # every caller has had its first answer: the warm-up is not counted
    began, cpu = time.perf_counter(), process_cpu_seconds(server_pid)
    sealer = process_cpu_seconds(sealer_pid)
    own, database_cpu = time.process_time(), database_cpu_seconds(database)
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    cpu = process_cpu_seconds(server_pid) - cpu
    sealer = process_cpu_seconds(sealer_pid) - sealer
    own, database_cpu = time.process_time() - own, database_cpu_seconds(database) - database_cpu
    times = [t for c in callers for t in c.times]
    errors: dict[str, int] = {}
    for message in (e for c in callers for e in c.errors):
        errors[message] = errors.get(message, 0) + 1
    out = {
        "clients": len(callers),
        "rate_per_client": rate or None,
        "seconds": round(wall, 1),
        "participation": {
            **latency(times),
            "per_second": round(len(times) / wall, 1) if wall else None,
        },
        "errors": errors,
        "warm_up": sum(c.warmed for c in callers),  # answered before the clock, logged too
    }
    if server_pid:
        out["server_cost"] = server_cost(cpu, len(times), wall, os.cpu_count() or 1)
    if times:
        out["postgresql_cpu_ms_per_request"] = round(1000 * database_cpu / len(times), 2)
        out["driver_cpu_ms_per_request"] = round(1000 * own / len(times), 2)
        if sealer_pid:  # its PostgreSQL backend is among the database's above
            out["sealer_cpu_ms_per_request"] = round(1000 * sealer / len(times), 2)
    return out


def profile(repeat: int, sql: bool) -> dict:
    import cProfile
    import io
    import itertools
    import pstats

    for name, value in {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "AUDIT_CHAIN_KEY": "bench-only-chain-key",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "AUDIT_SEAL_AFTER_COMMIT": "0",  # the sealer runs as a service (bench/run.py serve_env)
    }.items():
        os.environ[name] = value
    found = setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {found['token']}")
    people = itertools.cycle(found["personnummer"])

    def ask() -> None:
        pnr = next(people)
        response = client.get("/api/v1/participation", {"personnummer": pnr})
        assert response.status_code == 200, response.content

    ask()  # warm-up
    queries: list[str] = []

    def count(execute, statement, params, many, context):
        queries.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(count):
        ask()
    if sql:
        print("\n".join(q[:300] for q in queries), file=sys.stderr)
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on PostgreSQL
    backend = backend_cpu_seconds(connection)
    batches = []
    for _ in range(max(1, repeat // 5)):
        began = time.process_time()
        for _ in range(5):
            ask()
        batches.append((time.process_time() - began) / 5)
    backend = backend_cpu_seconds(connection) - backend
    profiler.enable()
    for _ in range(repeat):
        ask()
    profiler.disable()
    for order, lines in (("cumulative", 60), ("tottime", 30)):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(lines)
        print(text.getvalue(), file=sys.stderr)
    return {
        "cpu_ms": round(1000 * min(batches), 2),
        "cpu_ms_mean": round(1000 * sum(batches) / len(batches), 2),
        "queries": len(queries),
        "requests": 5 * len(batches),
        # the server process of this connection (PostgreSQL on this machine), the same reads
        "database_cpu_ms": round(1000 * backend / (5 * len(batches)), 2),
    }


def main() -> None:
    if sys.argv[1] == "profile":
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 100
        print(json.dumps(profile(repeat, "--sql" in sys.argv)))
    elif sys.argv[1] == "setup":
        print(json.dumps(setup()))
    elif sys.argv[1] == "verify":
        print(json.dumps({"logged": verify(json.loads(Path(sys.argv[2]).read_text()))}))
    else:  # drive URL SETUP_JSON [--server-pid PID] [--sealer-pid PID]
        pid, sealer = (
            int(sys.argv[sys.argv.index(flag) + 1]) if flag in sys.argv else None
            for flag in ("--server-pid", "--sealer-pid")
        )
        rate = float(sys.argv[sys.argv.index("--rate") + 1]) if "--rate" in sys.argv else 0.0
        flag = "--per-client"
        each = int(sys.argv[sys.argv.index(flag) + 1]) if flag in sys.argv else None
        setup_data = json.loads(Path(sys.argv[3]).read_text())
        found = drive(
            sys.argv[2], setup_data, server_pid=pid, sealer_pid=sealer, rate=rate, per_client=each
        )
        print(json.dumps(found))


if __name__ == "__main__":
    main()

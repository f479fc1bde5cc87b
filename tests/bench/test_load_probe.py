"""The web load probe over a real HTTP server: every counted POST is a state change."""

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from audit.models import ChainEntry
from bench import load_probe
from casework.models import Case, Transition
from casework.services import case_start_insats, samrad_record
from config import replica


@pytest.fixture
def probe(monkeypatch):
    # One coach: the live server shares SQLite's in-memory connection between its threads.
    monkeypatch.setattr(load_probe, "USERS", 1)
    monkeypatch.setattr(load_probe, "CASELOAD", 2)
    monkeypatch.setattr(load_probe, "REQUESTS", 3)
    return load_probe


def test_each_post_moves_one_case_and_a_refusal_is_no_sample(
    reseeded, live_server, probe, refer, coordinator
):
    cases = []
    for _ in range(3):
        case = refer()
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
        )
        cases.append(case)
    refer()  # in aktualisering: a coach may not make its first move, so it is not prepared
    setup = probe.setup()
    prepared = sorted(pk for user in setup["users"] for pk in user["cases"])
    assert prepared == sorted(c.pk for c in cases)
    refused = setup["users"][0]["cases"][1]  # moved by someone else before the coach tries
    case_start_insats(case_id=refused, insats="jobbsok", on=date(2026, 1, 6), by=coordinator)

    port = live_server.url.rsplit(":", 1)[1]
    result = probe.drive(f"http://127.0.0.1:{port}", setup, setup["today"])

    assert result["caseload"]["requests"] == 3
    assert result["state_change"]["requests"] == 2
    assert result["errors"] == {
        "start_jobbsok: HTTP 403 Åtgärden är inte tillåten för dig i ärendets nuvarande läge.": 1
    }
    assert probe.verify(setup) == 2
    assert set(Case.objects.filter(pk__in=prepared).values_list("state", flat=True)) == {"jobbsok"}
    assert Transition.objects.filter(to_state="jobbsok").count() == 3


def _moveable_cases(refer, coordinator, n):
    for _ in range(n):
        case = refer()
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
        )


def test_mixed_load_adds_the_case_page_and_a_managers_report(
    reseeded, live_server, probe, refer, coordinator, monkeypatch
):
    monkeypatch.setattr(probe, "_GATE", threading.Lock())  # the coach and the manager in turn
    # The live server's test database is not on a standby: this tests the probe, and
    # tests/test_replica_reads.py shows where the report reads when a replica is set.
    monkeypatch.setattr(replica, "configured", lambda: False)
    monkeypatch.setattr(probe, "REPORT_EVERY", 0.05)
    _moveable_cases(refer, coordinator, 3)
    setup = probe.setup()
    port = live_server.url.rsplit(":", 1)[1]

    result = probe.drive(
        f"http://127.0.0.1:{port}", setup, setup["today"], mixed=True, watch_chain=True
    )

    assert result["mixed"] is True
    assert result["errors"] == {}
    for kind in ("caseload", "case_page", "state_change"):
        assert result[kind]["requests"] == 3, kind
    assert result["report"]["requests"] >= 1  # the manager read the report meanwhile
    assert result["report"]["p99_ms"] >= result["report"]["p50_ms"] > 0
    assert probe.verify(setup) == 3
    assert "server_cost" not in result  # no server process was named
    assert "sealer_cost" not in result  # nor a sealer
    end = result["audit_chain"]["end"]  # the chain of the served database as the load ended
    assert end["sealed"] + end["unsealed"] == ChainEntry.objects.count() > 0


def test_latency_reports_nearest_rank_percentiles_in_ms():
    times = [n / 1000 for n in range(1, 101)]  # 1 … 100 ms
    assert load_probe.latency(times) == {
        "requests": 100,
        "p50_ms": 50.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
    }
    assert load_probe.latency([0.2]) == {
        "requests": 1,
        "p50_ms": 200.0,
        "p95_ms": 200.0,
        "p99_ms": 200.0,
    }
    assert load_probe.latency([])["p99_ms"] is None


def test_server_cost_is_cpu_per_request_and_throughput_per_core():
    cost = load_probe.server_cost(cpu_seconds=12.0, requests=1200, wall=60.0, cores=2)
    assert cost["cpu_ms_per_request"] == 10.0
    assert cost["requests_per_second"] == 20.0
    assert cost["requests_per_second_per_core"] == 10.0
    assert load_probe.server_cost(1.0, 0, 60.0, 2)["cpu_ms_per_request"] is None


def test_server_cpu_counts_the_worker_processes():
    """gunicorn's CPU is in its workers: the children's time is counted with the master's."""
    burn = (
        "import sys, time\n"
        "while time.process_time() < 0.3: pass\n"
        "print('done', flush=True)\n"
        "sys.stdin.read()\n"
    )
    before = load_probe.process_cpu_seconds(os.getpid())
    child = subprocess.Popen(
        [sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "done"
        spent = load_probe.process_cpu_seconds(os.getpid()) - before
        own = load_probe.process_cpu_seconds(child.pid)
    finally:
        child.communicate("")
    assert own >= 0.28  # the child's own 0.3 s, within a clock tick
    assert spent >= own - 0.02


def test_chain_state_counts_the_unsealed_entries_and_the_oldest_ones_age(refer):
    from audit import sealer
    from audit.models import ChainEntry

    refer()  # journal rows; inside the test's transaction nothing seals them after commit
    waiting = ChainEntry.objects.filter(block__isnull=True).count()
    assert waiting > 0

    state = load_probe.chain_state()
    assert state["unsealed"] == waiting
    assert state["oldest_unsealed_seconds"] is not None
    assert 0 <= state["oldest_unsealed_seconds"] < 60

    sealer.seal_pending()
    state = load_probe.chain_state()
    assert (state["unsealed"], state["oldest_unsealed_seconds"]) == (0, None)
    assert state["sealed"] == ChainEntry.objects.count() and state["blocks"] >= 1


def test_chain_watch_keeps_the_worst_sample_and_ends_with_a_fresh_one(monkeypatch):
    states = iter(
        [
            {"unsealed": 40, "oldest_unsealed_seconds": 1.5},
            {"unsealed": 3, "oldest_unsealed_seconds": 0.4},
        ]
    )
    last = {"unsealed": 0, "oldest_unsealed_seconds": None}
    monkeypatch.setattr(load_probe, "chain_state", lambda: next(states, last))
    monkeypatch.setattr(load_probe, "CHAIN_EVERY", 0.01)
    watch = load_probe.ChainWatch()
    watch.start()
    while len(watch.samples) < 2:
        time.sleep(0.01)

    seen = watch.stop()

    assert seen["end"] == last
    assert seen["max_unsealed"] == 40
    assert seen["max_oldest_unsealed_seconds"] == 1.5
    assert seen["samples"] == len(watch.samples) + 1
    assert not watch.thread.is_alive()


def test_the_mixed_load_runs_the_sealer_worker_and_stops_it_with_the_run(tmp_path):
    from bench import run

    served = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    with pytest.raises(RuntimeError), run.sealing(served, tmp_path / "sealer.log") as pid:
        assert _alive(pid)
        assert "seal_audit" in _command_line(pid)
        raise RuntimeError("the run fails")  # the worker stops all the same
    assert not _alive(pid)


def _command_line(pid: int) -> str:
    """The process's command line once exec has set it: a vfork parent resumes before the
    kernel fills in the new image's arguments, and a loaded machine may show that window."""
    deadline = time.monotonic() + 10
    while not (line := Path(f"/proc/{pid}/cmdline").read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return line


def _alive(pid: int) -> bool:
    try:
        state = load_probe._stat(pid)[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_cpu_of_a_client_is_its_own_backends():
    """The keeper's and the sealer's queries are charged to them, not lost: a process's
    backend is found by its connection's client port (loopback)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        before = load_probe.database_cpu_by_client({"test": os.getpid(), "none": None})
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    assert backend in before["test"] and before["none"] == {}
    spent = load_probe.database_cpu_grown({"test": os.getpid()}, before)["test"]
    assert spent >= 0.05  # three million rows counted in that backend, not in this process

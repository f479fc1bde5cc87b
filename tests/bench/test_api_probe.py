"""The API load probe over a real HTTP server: every counted read is one access-log row."""

import pytest

from audit.models import AccessLog
from bench import api_probe


@pytest.fixture
def probe(monkeypatch):
    # One caller: the live server shares SQLite's in-memory connection between its threads.
    monkeypatch.setattr(api_probe, "CLIENTS", 1)
    monkeypatch.setattr(api_probe, "REQUESTS", 3)
    return api_probe


def test_each_answered_read_is_a_sample_and_an_access_log_row(reseeded, live_server, probe, refer):
    for _ in range(3):
        refer()
    setup = probe.setup()
    assert len(setup["personnummer"]) == 3
    port = live_server.url.rsplit(":", 1)[1]
    result = probe.drive(f"http://127.0.0.1:{port}", setup)
    assert result["participation"]["requests"] == 3
    assert result["warm_up"] == 1  # asked before the clock started, and logged as well
    assert result["errors"] == {}
    logged = AccessLog.objects.filter(client_id__in=setup["clients"]).count()
    assert probe.verify(setup) == 4 == logged


def test_a_paced_run_asks_on_its_schedule_and_counts_from_the_scheduled_moment(
    reseeded, live_server, probe, refer
):
    for _ in range(3):
        refer()
    setup = probe.setup()
    port = live_server.url.rsplit(":", 1)[1]
    result = probe.drive(f"http://127.0.0.1:{port}", setup, rate=4.0)
    assert result["rate_per_client"] == 4.0
    assert result["participation"]["requests"] == 3
    assert result["seconds"] >= 0.5  # three asks a quarter second apart, from a random phase
    assert probe.verify(setup) == 3 + result["warm_up"]


def test_a_run_may_ask_only_the_first_persons_of_each_client(reseeded, live_server, probe, refer):
    """bench/run.py's paced run asks fewer persons than its saturation run (--per-client)."""
    for _ in range(3):
        refer()
    setup = probe.setup()
    port = live_server.url.rsplit(":", 1)[1]
    result = probe.drive(f"http://127.0.0.1:{port}", setup, per_client=2)
    assert result["participation"]["requests"] == 2
    assert probe.verify(setup) == 2 + result["warm_up"]

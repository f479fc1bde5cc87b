"""Every hostile file is refused within bounded memory and time, with a Swedish reason.

Each file is generated in a temporary directory (small on disk), then read by its own
child process (`hostile_child.py`) under an address-space limit (RLIMIT_AS), which
reports its own peak RSS (VmHWM); the test asserts it stays at or below 300 MB and the
time within bounds (issue 17, acceptance). The children run two at a time.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .hostile_files import FILES

ADDRESS_SPACE_MB = 1024  # the hard cap: a regression dies instead of taking the machine
MAX_RSS_MB = 300
MAX_SECONDS = 30
ROOT = Path(__file__).resolve().parents[2]


def _start(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("hostile_child.py")),
            str(path),
            str(ADDRESS_SPACE_MB),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """name → (returncode, stdout, stderr, seconds)."""
    directory = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, (filename, build, _words) in FILES.items():
        paths[name] = directory / filename
        build(paths[name])
    results, pending = {}, list(paths.items())
    while pending:
        running = [(name, _start(path), time.monotonic()) for name, path in pending[:2]]
        pending = pending[2:]
        for name, process, started in running:
            try:  # both pipes at once: a child that fills stderr does not wait on us
                out, err = process.communicate(timeout=4 * MAX_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                err += b"\nkilled: no answer within %d s" % (4 * MAX_SECONDS)
            results[name] = (process.returncode, out, err, time.monotonic() - started)
    return results


@pytest.mark.parametrize("name", sorted(FILES))
def test_hostile_file_is_refused_within_bounded_memory_and_time(outcomes, name):
    returncode, out, err, seconds = outcomes[name]
    assert returncode == 0, err.decode()[-2000:]
    report = json.loads(out)
    rss_mb = report["peak_rss_mb"]
    assert report["errors"], f"{name} was not refused"
    assert report["events"] == 0
    words = FILES[name][2]
    reasons = " ".join(e["reason"] for e in report["errors"])
    assert words in reasons, reasons
    assert "Traceback" not in reasons and "Error" not in reasons
    assert rss_mb <= MAX_RSS_MB, f"{name}: peak RSS {rss_mb:.0f} MB"
    assert seconds <= MAX_SECONDS, f"{name}: {seconds:.1f} s"
    print(f"{name}: peak RSS {rss_mb:.0f} MB, {seconds:.1f} s, read {report['seconds']:.2f} s")

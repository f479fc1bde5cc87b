"""The committed gunicorn configuration (config/gunicorn.conf.py) serves the app."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.run import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_env(tmp_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "test-only-secret-key-" + "x" * 40,
        "AUDIT_CHAIN_KEY": "test-only-chain-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WEB_CONCURRENCY": "2",
    }


def test_the_app_loads_before_the_fork_without_a_database_connection(production_env):
    # preload_app and when_ready (the URLconf, the catalogs): a connection opened while
    # loading would be shared by every worker; what was loaded is frozen for the GC.
    check = (
        "import runpy, config.wsgi; from django.db import connections; "
        "runpy.run_path('config/gunicorn.conf.py')['when_ready'](None); "
        "from django.utils.translation import trans_real as t; "
        "assert {'sv', 'en'} <= set(t._translations), 'catalogs not loaded'; "
        "assert all(c.connection is None for c in connections.all()), 'open before fork'; "
        "import gc; assert gc.get_freeze_count() > 100_000, 'the loaded app not frozen'"
    )
    subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=production_env, check=True, timeout=120
    )


def test_the_configuration_serves_the_api_with_its_swedish_refusal(production_env):
    port = free_port()
    command = ["-m", "gunicorn", "-c", "config/gunicorn.conf.py", f"--bind=127.0.0.1:{port}"]
    server = subprocess.Popen(
        [sys.executable, *command, "config.wsgi:application"],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        refused = None
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/indicators", timeout=2)
            except urllib.error.HTTPError as error:
                refused = error
                break
            except OSError:
                time.sleep(0.1)
        assert refused is not None, server.stderr.read1().decode() if server.poll() else "no answer"
        assert refused.code == 401
        assert refused.headers["Connection"] == "close"  # a sync worker; the proxy keeps alive
        body = json.loads(refused.read())
        assert body["code"] == "unauthenticated"
        assert body["detail"] == "Autentiseringsuppgifter ej tillhandahållna."
    finally:
        server.terminate()
        server.communicate(timeout=30)

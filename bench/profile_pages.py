"""CPU per request of the coach's hot pages, in one process, with Django's test client.

A benchmark aid, not a test: it prints CPU milliseconds (process time) and queries per
request for the caseload, the case page and a state change (start jobbsökaraktivitet),
under the production middleware (OTP, CSP, whitenoise, sessions) on the database in
DATABASE_URL (e.g. a copy of a `seed_demo` SQLite file). With --profile KIND it also
prints cProfile's top functions for that kind.

Usage:
  DATABASE_URL=sqlite:///var/prof/run.sqlite3 python bench/profile_pages.py \
      [--user demo-coach] [--repeat 30] [--profile caseload|case|state_change]

The state change moves each of the coach's movable cases once; run it on a copy.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
for name, value in {
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "AUDIT_CHAIN_KEY": "bench-only-chain-key",
    "ALLOWED_HOSTS": "testserver,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "AUDIT_SEAL_AFTER_COMMIT": "0",  # the sealer runs as a service (bench/run.py serve_env)
}.items():
    os.environ.setdefault(name, value)

from bench.load_probe import backend_cpu_seconds  # noqa: E402

MOVABLE = ("kartlaggning", "arbetstraning", "arbetspraktik", "anstallning")


def client_for(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, user


def timed(run, repeat: int, profiler: cProfile.Profile | None, sql: bool = False) -> dict:
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    run()  # warm-up: templates, plans
    with connection.execute_wrapper(count):
        run()
    # The least CPU of batches of five: other processes on a shared machine inflate a
    # process's CPU time too (caches, SMT), never deflate it.
    batches = []
    backend = backend_cpu_seconds(connection)
    if profiler:
        profiler.enable()
    for _ in range(max(1, repeat // 5)):
        began = time.process_time()
        for _ in range(5):
            run()
        batches.append((time.process_time() - began) / 5)
    if profiler:
        profiler.disable()
    backend = backend_cpu_seconds(connection) - backend
    cpu = min(batches)
    if sql:
        print("\n".join(q[:200] for q in queries), file=sys.stderr)
    mean = sum(batches) / len(batches)
    return {
        "cpu_ms": round(1000 * cpu, 2),
        "cpu_ms_mean": round(1000 * mean, 2),
        "queries": len(queries),
        "requests": 5 * len(batches),
        # PostgreSQL's backend for the same requests (its planning and running)
        "database_cpu_ms": round(1000 * backend / (5 * len(batches)), 2),
    }


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="demo-coach")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", choices=["caseload", "case", "state_change"])
    parser.add_argument("--callers", nargs="*", help="print who calls these (pstats patterns)")
    parser.add_argument("--ours", action="store_true", help="also: the project's own functions")
    parser.add_argument("--sql", action="store_true", help="print the queries of one request")
    args = parser.parse_args()
    django.setup()
    from casework.models import Case

    client, user = client_for(args.user)
    mine = Case.objects.filter(coach=user)
    case = mine.filter(state__in=MOVABLE).order_by("pk").first() or mine.first()
    movable = list(
        mine.filter(state__in=MOVABLE, programme__rules__insats_type="jobbsok")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert case is not None, "the user has no case"

    def get(path: str):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return run

    left = iter(movable)

    def move():
        pk = next(left)
        body = {"on": time.strftime("%Y-%m-%d"), "reason": "Profil", "version": ""}
        body["version"] = str(Case.objects.values_list("version", flat=True).get(pk=pk))
        response = client.post(f"/arenden/{pk}/atgard/start_jobbsok/", body)
        assert response.status_code == 302, (pk, response.status_code)

    kinds = {"caseload": get("/arenden/"), "case": get(f"/arenden/{case.pk}/")}
    repeat = {"caseload": args.repeat, "case": args.repeat}
    if len(movable) >= 4:
        kinds["state_change"] = move
        repeat["state_change"] = min(args.repeat, len(movable) - 2)
    out = {}
    for kind, run in kinds.items():
        profiler = cProfile.Profile() if args.profile == kind else None
        out[kind] = timed(run, repeat[kind], profiler, args.sql)
        if profiler:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            print(text.getvalue(), file=sys.stderr)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
            print(text.getvalue(), file=sys.stderr)
            if args.ours:
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
                stats.print_stats(re.escape(str(ROOT)) + r"/(?!\.venv)", 40)
                print(text.getvalue(), file=sys.stderr)
            if args.callers:
                text = io.StringIO()
                pstats.Stats(profiler, stream=text).print_callers(*args.callers)
                print(text.getvalue(), file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""Load on the web from a second process: the caseload page and a state change (a note).

`setup` (inside the benchmark database, DATABASE_URL): makes USERS coaches, each with
CASELOAD open cases of one unit, logs each in (a session row, as `Client.force_login`
does) and prints {"users": [{"cookie": ..., "cases": [...]}, ...]}.

`drive URL SETUP_JSON`: USERS threads, one per coach, each with its own keep-alive
connection; each reads the note form once for its CSRF token, then alternates GET of
the caseload page and POST of a note on one of its cases, REQUESTS times, within
SECONDS. Loopback only. Prints latencies (p50/p95 in ms) per kind.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

USERS = int(os.environ.get("BENCH_USERS", "20"))
CASELOAD = int(os.environ.get("BENCH_CASELOAD", "40"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))  # per user and kind
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "240"))


def setup() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.utils import timezone

    from casework.models import Case
    from programmes.models import Unit

    busiest = (
        Case.objects.open()
        .filter(coach__isnull=True)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    unit = Unit.objects.get(pk=busiest["unit"])
    free = list(
        Case.objects.open()
        .filter(unit=unit, coach__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: USERS * CASELOAD]
    )
    coach_group = Group.objects.get(name="coach")
    users = []
    for n in range(USERS):
        user = get_user_model().objects.create_user(
            username=f"bench-coach-{n}-{time.time_ns()}", first_name="Bench", last_name=str(n)
        )
        user.groups.add(coach_group)
        unit.members.add(user)
        mine = free[n::USERS]
        Case.objects.filter(pk__in=mine).update(coach=user)  # a realistic caseload
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # not axes
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        users.append({"cookie": session.session_key, "cases": mine})
    return {
        "today": timezone.localdate().isoformat(),
        "unit": unit.code,
        "caseload": min(len(u["cases"]) for u in users),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": users,
    }


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Coach:
    def __init__(self, host: str, port: int, setup: dict, user: dict):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies = {setup["session_cookie"]: user["cookie"]}
        self.cases = user["cases"]
        self.times: dict[str, list[float]] = {"caseload": [], "note": []}
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.conn.host}:{self.conn.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def run(self, today: str, deadline: float) -> None:
        case = self.cases[0]
        form = f"/arenden/{case}/atgard/note/"
        status, text = self.request("GET", form)
        found = TOKEN.search(text)
        if status != 200 or not found:
            self.errors.append(f"note form: HTTP {status}")
            return
        token = found.group(1)
        for n in range(REQUESTS):
            if time.monotonic() > deadline:
                break
            self.timed("caseload", "GET", "/arenden/", None, 200)
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "on": today, "text": f"Benchmark anteckning {n}"}
            )
            self.timed("note", "POST", form, body, 302)

    def timed(self, kind: str, method: str, path: str, body, expected: int) -> None:
        began = time.perf_counter()
        status, _ = self.request(method, path, body)
        self.times[kind].append(time.perf_counter() - began)
        if status != expected:
            self.errors.append(f"{kind}: HTTP {status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def drive(url: str, setup: dict, today: str) -> dict:
    parsed = urllib.parse.urlsplit(url)
    assert parsed.hostname == "127.0.0.1", "loopback only"
    coaches = [Coach(parsed.hostname, parsed.port, setup, u) for u in setup["users"]]
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=c.run, args=(today, deadline)) for c in coaches]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    out = {"users": len(coaches), "caseload_size": setup["caseload"], "seconds": round(wall, 1)}
    for kind in ("caseload", "note"):
        times = [t for c in coaches for t in c.times[kind]]
        out[kind] = {
            "requests": len(times),
            "p50_ms": round(1000 * percentile(times, 0.5), 1) if times else None,
            "p95_ms": round(1000 * percentile(times, 0.95), 1) if times else None,
        }
    errors: dict[str, int] = {}
    for message in (e for c in coaches for e in c.errors):
        errors[message] = errors.get(message, 0) + 1
    out["errors"] = errors
    return out


def main() -> None:
    if sys.argv[1] == "setup":
        print(json.dumps(setup()))
    else:
        data = json.loads(Path(sys.argv[3]).read_text())
        print(json.dumps(drive(sys.argv[2], data, data["today"])))


if __name__ == "__main__":
    main()

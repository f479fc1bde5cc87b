"""Load on the web from a second process: the caseload page and a state change.

`setup` (inside the benchmark database, DATABASE_URL): makes USERS coaches of the unit
with the most unassigned cases in an insats that can move to jobbsökaraktivitet, gives
each max(CASELOAD, REQUESTS) of those cases, logs each in (a session row, as
`Client.force_login` does, marked OTP-verified with a confirmed TOTP device, as after
the second factor) and prints {"users": [{"cookie": ..., "cases": [...]}, ...]}.

`drive URL SETUP_JSON`: USERS threads, one per coach, each with its own keep-alive
connection; each reads the start form once for its CSRF token, then alternates GET of
the caseload page and POST of "start jobbsökaraktivitet" on the next of its cases (a
move between insatser a coach may make, 003), REQUESTS times, within SECONDS. Every POST
hits a different case, so every one changes state; only a redirect to the case page is
a success, anything else (a refused move, an error) is counted in "errors" and is not a
latency sample. Loopback only. Prints latencies (p50/p95 in ms) per kind.

`verify SETUP_JSON COUNT`: the database holds exactly COUNT moves to jobbsök by the
benchmark coaches (the redirects were real state changes).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

USERS = int(os.environ.get("BENCH_USERS", "20"))
CASELOAD = int(os.environ.get("BENCH_CASELOAD", "40"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))  # per user and kind
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "240"))
TARGET = "jobbsok"  # no time limit, no place limit, no workplace: a coach may always move here
ACTION = f"start_{TARGET}"
MOVABLE = ("kartlaggning", "arbetstraning", "arbetspraktik", "anstallning")


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
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.models import Case
    from programmes.models import Unit

    today = timezone.localdate()
    movable = Case.objects.filter(
        coach__isnull=True,
        state__in=MOVABLE,
        programme__rules__insats_type=TARGET,
        last_event_on__lte=today,
    )
    busiest = movable.values("unit").annotate(n=Count("pk")).order_by("-n").first()
    assert busiest is not None, "no case to give the bench coaches"
    unit = Unit.objects.get(pk=busiest["unit"])
    each = max(CASELOAD, REQUESTS)
    free = list(
        movable.filter(unit=unit).order_by("pk").values_list("pk", flat=True)[: USERS * each]
    )
    coach_group = Group.objects.get(name="coach")
    users: list[dict[str, Any]] = []
    for n in range(USERS):
        user = get_user_model().objects.create_user(
            username=f"bench-coach-{n}-{time.time_ns()}", first_name="Bench", last_name=str(n)
        )
        user.groups.add(coach_group)
        unit.members.add(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        mine = free[n::USERS]
        Case.objects.filter(pk__in=mine).update(coach=user)  # a realistic caseload
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # not axes
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        users.append({"id": user.pk, "cookie": session.session_key, "cases": mine})
    return {
        "today": today.isoformat(),
        "unit": unit.code,
        "caseload": min(len(u["cases"]) for u in users),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": users,
    }


def verify(setup: dict) -> int:
    """How many moves to TARGET the benchmark coaches have in the journal."""
    import django

    django.setup()
    from casework.models import Transition

    return Transition.objects.filter(
        actor__in=[u["id"] for u in setup["users"]], to_state=TARGET
    ).count()


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR = re.compile(
    r'id="error-summary".*?<li>(?:<a[^>]*>)?([^<]+)', re.DOTALL
)  # the form's first error


class Coach:
    def __init__(self, host: str, port: int | None, setup: dict, user: dict):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies = {setup["session_cookie"]: user["cookie"]}
        self.cases = user["cases"]
        self.times: dict[str, list[float]] = {"caseload": [], "state_change": []}
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: str | None = None):
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
        return response, text

    def run(self, today: str, deadline: float) -> None:
        try:
            self.work(today, deadline)
        finally:
            self.conn.close()

    def work(self, today: str, deadline: float) -> None:
        response, text = self.request("GET", f"/arenden/{self.cases[0]}/atgard/{ACTION}/")
        found = TOKEN.search(text)
        if response.status != 200 or not found:
            self.errors.append(f"start form: HTTP {response.status}")
            return
        token = found.group(1)
        for n in range(min(REQUESTS, len(self.cases))):
            if time.monotonic() > deadline:
                break
            self.caseload()
            self.state_change(self.cases[n], token, today)

    def caseload(self) -> None:
        began = time.perf_counter()
        response, text = self.request("GET", "/arenden/")
        took = time.perf_counter() - began
        if response.status == 200 and 'id="caseload"' in text:
            self.times["caseload"].append(took)
        else:
            self.errors.append(f"caseload: HTTP {response.status}")

    def state_change(self, case: int, token: str, today: str) -> None:
        """A success is the redirect to the case page; a refusal re-renders the form."""
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "on": today, "reason": "Benchmark: byte av insats"}
        )
        began = time.perf_counter()
        response, text = self.request("POST", f"/arenden/{case}/atgard/{ACTION}/", body)
        took = time.perf_counter() - began
        if response.status == 302 and response.headers["Location"] == f"/arenden/{case}/":
            self.times["state_change"].append(took)
            return
        refused = ERROR.search(text)
        why = f" {refused.group(1).strip()}" if refused else ""
        self.errors.append(f"{ACTION}: HTTP {response.status}{why}")


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
    for kind in ("caseload", "state_change"):
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
    elif sys.argv[1] == "verify":
        print(json.dumps({"moved": verify(json.loads(Path(sys.argv[2]).read_text()))}))
    else:
        data = json.loads(Path(sys.argv[3]).read_text())
        print(json.dumps(drive(sys.argv[2], data, data["today"])))


if __name__ == "__main__":
    main()

"""Load on the web from a second process: the caseload page and a state change.

`setup` (inside the benchmark database, DATABASE_URL): makes USERS coaches of the unit
with the most unassigned cases in an insats that can move to jobbsökaraktivitet, gives
each max(CASELOAD, REQUESTS) of those cases, logs each in (a session row, as
`Client.force_login` does, marked OTP-verified with a confirmed TOTP device, as after
the second factor) and prints {"users": [{"cookie": ..., "cases": [...]}, ...]}.

`drive URL SETUP_JSON`: USERS threads, one per coach, each with its own connection
(kept alive where the server keeps it; a sync worker closes it after each answer, as a
proxy's upstream connection is); each reads the start form once for its CSRF token, then
alternates GET of the caseload page and POST of "start jobbsökaraktivitet" on the next of
its cases (a move between insatser a coach may make, 003), REQUESTS times, within
SECONDS. Every POST hits a different case, so every one changes state; only a redirect to
the case page is a success, anything else (a refused move, an error) is counted in
"errors" and is not a latency sample. Loopback only. Prints latencies (p50/p95 in ms) per kind.

`drive URL SETUP_JSON --mixed`: the MIXED load (issue 15): each coach reads the caseload,
then the case page of the case it is about to move, then moves it; meanwhile a manager
pulls last year's third tertial report (`/indikatorer/`, then the charts the page loads
after its table, as one sample) every REPORT_EVERY seconds (from the replica when
DATABASE_REPLICA_URL is set: the router decides, not the probe).

`--server-pid PID`: CPU milliseconds per request of the server (PID and its children,
from /proc: user + system time over the counted requests, after a warm-up request per
coach) and requests per second per core. Latencies: p50, p95 and p99 per kind.

`--sealer-pid PID`, `--summary-pid PID`: the CPU of the sealer and of the indicator
summary's keeper over the same requests (`manage.py seal_audit
--loop`, which bench/run.py starts beside the server as production runs it), and
`--chain`: the audit chain's state (`audit.chain.status`) sampled every CHAIN_EVERY seconds
during the load and once the moment it ends: unsealed entries and the age of the oldest
(issue 15: unsealed ≤ 2 s at the end of the run). Both need DATABASE_URL of the served
database.

`verify SETUP_JSON COUNT`: the database holds exactly COUNT moves to jobbsök by the
benchmark coaches (the redirects were real state changes).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
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
REPORT_EVERY = float(os.environ.get("BENCH_REPORT_EVERY", "2"))  # seconds, the mixed load
KINDS = ("caseload", "case_page", "state_change", "report")
CHAIN_EVERY = float(os.environ.get("BENCH_CHAIN_EVERY", "1"))  # seconds between chain samples
# Requests pass this gate: nothing in a benchmark; a lock in a test whose server shares one
# SQLite connection between its threads.
_GATE: contextlib.AbstractContextManager = contextlib.nullcontext()


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
        "manager": _manager(unit),
        "today": today.isoformat(),
        "unit": unit.code,
        "caseload": min(len(u["cases"]) for u in users),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": users,
    }


def _login(user) -> str:
    """A session as `Client.force_login` makes it; the session key is the cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # not axes
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert session.session_key is not None  # saved above
    return session.session_key


def _manager(unit) -> dict:
    """A manager of the unit (no personal data, so no second factor), for the mixed load."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username=f"bench-manager-{time.time_ns()}")
    user.groups.add(Group.objects.get(name="manager"))
    unit.members.add(user)
    return {"id": user.pk, "cookie": _login(user)}


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


class Browser:
    """One user's keep-alive connection with its cookies."""

    def __init__(self, host: str, port: int | None, setup: dict, cookie: str):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies = {setup["session_cookie"]: cookie}
        self.times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: str | None = None, htmx: bool = False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.conn.host}:{self.conn.port}{path}"
        with _GATE:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, text

    def timed_get(self, kind: str, path: str, marker: str, *after: tuple[str, str]) -> None:
        """A sample when the page answers 200 with `marker`, and so does each (path, marker)
        of `after`, the parts the page then loads with htmx; anything else is an error."""
        began = time.perf_counter()
        for i, (part, expected) in enumerate(((path, marker), *after)):
            response, text = self.request("GET", part, htmx=i > 0)
            if response.status != 200 or expected not in text:
                self.errors.append(f"{kind}: HTTP {response.status}")
                return
        self.times[kind].append(time.perf_counter() - began)


class Coach(Browser):
    def __init__(self, host: str, port: int | None, setup: dict, user: dict, mixed=False):
        super().__init__(host, port, setup, user["cookie"])
        self.cases = user["cases"]
        self.mixed = mixed

    def run(self, today: str, deadline: float, ready: threading.Barrier | None = None) -> None:
        try:
            token = self.warm_up()
            if ready is not None:
                ready.wait()
            if token is not None:
                self.work(token, today, deadline)
        finally:
            self.conn.close()

    def warm_up(self) -> str | None:
        """The start form once, for its CSRF token (not a sample)."""
        response, text = self.request("GET", f"/arenden/{self.cases[0]}/atgard/{ACTION}/")
        found = TOKEN.search(text)
        if response.status != 200 or not found:
            self.errors.append(f"start form: HTTP {response.status}")
            return None
        return found.group(1)

    def work(self, token: str, today: str, deadline: float) -> None:
        for n in range(min(REQUESTS, len(self.cases))):
            if time.monotonic() > deadline:
                break
            self.caseload()
            if self.mixed:
                self.timed_get("case_page", f"/arenden/{self.cases[n]}/", 'id="case-state"')
            self.state_change(self.cases[n], token, today)

    def caseload(self) -> None:
        self.timed_get("caseload", "/arenden/", 'id="caseload"')

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


def report_path(today: str, page: str = "") -> str:
    """Last year's third tertial, all the manager's programmes (`page`: "diagram/", the
    charts that the report page loads after its table)."""
    return f"/indikatorer/{page}?kind=tertial&year={int(today[:4]) - 1}&tertial=3"


class Manager(Browser):
    """Pulls the tertial report every REPORT_EVERY seconds until the coaches are done."""

    def run(self, today: str, stop: threading.Event, ready: threading.Barrier) -> None:
        try:
            ready.wait()
            while not stop.is_set():
                began = time.monotonic()
                # Until the page is whole: the table, then the charts it loads.
                charts = (report_path(today, "diagram/"), 'id="charts"')
                self.timed_get("report", report_path(today), 'id="table-heading"', charts)
                stop.wait(max(0.0, REPORT_EVERY - (time.monotonic() - began)))
        finally:
            self.conn.close()


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it.
    (Until 2026-12-03 this used round(), whose banker's rounding picked the next rank up
    for some sizes: p95 of 100 samples was the 96th.)"""
    ordered = sorted(values)
    rank = math.ceil(share * len(ordered) - 1e-9)
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


def latency(times: list[float]) -> dict:
    """The count and the p50/p95/p99 latencies in ms (None without samples)."""
    out: dict[str, Any] = {"requests": len(times)}
    for name, share in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        out[name] = round(1000 * percentile(times, share), 1) if times else None
    return out


def process_cpu_seconds(pid: int | None, *, descendants: bool = True) -> float:
    """User + system CPU seconds of `pid` and every live descendant (Linux /proc); 0 for
    no process (a run without that worker)."""
    if not pid:
        return 0.0
    ticks = 0
    for member in _tree(pid) if descendants else {pid}:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = _stat(member)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> set[int]:
    """`pid` and its live descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def postgres_backends() -> dict[int, str]:
    """{pid: process title} of the PostgreSQL backends on this machine (Linux /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if title.startswith("postgres: "):
                    out[int(entry.name)] = title
    return out


CLIENT_PORT = re.compile(r"\b127\.0\.0\.1\((\d+)\)")  # a backend's title names its client


def database_cpu_by_client(
    clients: dict[str, int | None], port: int = 5432
) -> dict[str, dict[int, float]]:
    """{backend pid: CPU seconds so far} of the PostgreSQL backends that serve each client
    process and its descendants (gunicorn's workers), on loopback: a backend's title names
    its client's port, /proc/net/tcp that socket's inode, and the client's /proc/PID/fd the
    inode. The sealer's and the keeper's queries cost the coaches' cores too, and no column
    showed them: the keeper's backend took more CPU than all of gunicorn's (2026-12-06)."""
    backends = {  # client port -> backend pid
        int(found[1]): pid
        for pid, title in postgres_backends().items()
        if (found := CLIENT_PORT.search(title))
    }
    serving = {}  # the client's socket, as /proc/PID/fd links it -> its backend's pid
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.rsplit(":", 1)[1], 16) for a in fields[1:3])
        if remote == port and local in backends:
            serving[f"socket:[{fields[9]}]"] = backends[local]
    out = {}
    for name, pid in clients.items():
        theirs = [serving[link] for link in _open_files(pid) if link in serving] if pid else []
        out[name] = {b: process_cpu_seconds(b, descendants=False) for b in theirs}
    return out


def _open_files(pid: int) -> set[str]:
    """What the open files of `pid` and its descendants link to ("socket:[inode]", …)."""
    links = set()
    for member in _tree(pid):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{member}/fd").iterdir():
                with contextlib.suppress(OSError):
                    links.add(os.readlink(fd))
    return links


def database_cpu_grown(
    clients: dict[str, int | None], before: dict[str, dict[int, float]]
) -> dict[str, float]:
    """Each client's backends' CPU seconds since `before` (a backend opened meanwhile from
    its start; one closed meanwhile is not seen)."""
    after = database_cpu_by_client(clients)
    return {
        name: sum(s - before[name].get(pid, 0.0) for pid, s in after[name].items())
        for name in clients
    }


def backend_cpu_seconds(connection) -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return process_cpu_seconds(pid, descendants=False)


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: fields 3 (state), 4 (ppid), … 14 (utime)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_cost(cpu_seconds: float, requests: int, wall: float, cores: int) -> dict:
    """CPU ms per request and the throughput per core over the counted requests."""
    if not requests or wall <= 0:
        return {"cpu_ms_per_request": None, "requests_per_second_per_core": None}
    return {
        "cpu_seconds": round(cpu_seconds, 2),
        "cpu_ms_per_request": round(1000 * cpu_seconds / requests, 1),
        "requests_per_second": round(requests / wall, 1),
        "requests_per_second_per_core": round(requests / wall / cores, 1),
        "cores": cores,
    }


def chain_state() -> dict:
    """The audit chain now: blocks, sealed and unsealed entries, the oldest one's age."""
    from audit import chain

    found = chain.status()
    age = found.oldest_unsealed_seconds
    return {
        "blocks": found.blocks,
        "sealed": found.sealed,
        "unsealed": found.unsealed,
        "oldest_unsealed_seconds": None if age is None else round(age, 2),
    }


class ChainWatch:
    """Samples `chain_state` every CHAIN_EVERY seconds in a thread of its own until stopped;
    `stop` takes the last sample at once and returns the summary."""

    def __init__(self) -> None:
        self.samples: list[dict] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="chain-watch")

    def start(self) -> None:
        self.thread.start()

    def _sample(self) -> dict:
        with _GATE:
            return chain_state()

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self.done.wait(CHAIN_EVERY):
                self.samples.append(self._sample())
        finally:
            connection.close()  # this thread's own

    def stop(self) -> dict:
        self.done.set()
        self.thread.join()
        end = self._sample()
        ages = [s["oldest_unsealed_seconds"] or 0.0 for s in [*self.samples, end]]
        return {
            "end": end,
            "samples": len(self.samples) + 1,
            "max_unsealed": max(s["unsealed"] for s in [*self.samples, end]),
            "max_oldest_unsealed_seconds": max(ages),
        }


def drive(
    url: str,
    setup: dict,
    today: str,
    *,
    mixed: bool = False,
    server_pid: int | None = None,
    sealer_pid: int | None = None,
    summary_pid: int | None = None,
    watch_chain: bool = False,
) -> dict:
    parsed = urllib.parse.urlsplit(url)
    assert parsed.hostname == "127.0.0.1", "loopback only"
    coaches = [Coach(parsed.hostname, parsed.port, setup, u, mixed) for u in setup["users"]]
    manager = Manager(parsed.hostname, parsed.port, setup, setup["manager"]["cookie"])
    ready = threading.Barrier(len(coaches) + 1 + mixed, timeout=300)
    stop = threading.Event()
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=c.run, args=(today, deadline, ready)) for c in coaches]
    if mixed:
        threads.append(threading.Thread(target=manager.run, args=(today, stop, ready)))
    for t in threads:
        t.start()
    ready.wait()  # every coach has its token: the warm-up is not counted
    watch = ChainWatch() if watch_chain else None
    if watch is not None:
        watch.start()
    workers = {"sealer": sealer_pid, "summary": summary_pid}
    clients = {"server": server_pid, **workers}
    worker_cpu = {name: process_cpu_seconds(pid) for name, pid in workers.items()}
    backends = database_cpu_by_client(clients)
    cpu, began = process_cpu_seconds(server_pid), time.perf_counter()
    for t in threads[: len(coaches)]:
        t.join()
    wall, cpu = time.perf_counter() - began, process_cpu_seconds(server_pid) - cpu
    worker_cpu = {
        name: process_cpu_seconds(pid) - worker_cpu[name] for name, pid in workers.items()
    }
    database_cpu = database_cpu_grown(clients, backends)
    chain_seen = watch.stop() if watch is not None else None  # at once: the end of the run
    stop.set()
    for t in threads[len(coaches) :]:
        t.join()
    out = _summary(coaches, manager if mixed else None, setup, wall, cpu, server_pid)
    _add_costs(out, workers, worker_cpu, database_cpu)
    if chain_seen is not None:
        out["audit_chain"] = chain_seen
    return out


def _add_costs(out: dict, workers: dict, worker_cpu: dict, database_cpu: dict) -> None:
    """The workers' CPU beside the server's, as `make run` has them, and each one's
    PostgreSQL backends', per counted request."""
    requests = sum(out[k]["requests"] for k in KINDS if k in out)

    def per_request(seconds: float) -> float | None:
        return round(1000 * seconds / requests, 2) if requests else None

    if "server_cost" in out:  # its backends, as long as both samples saw them
        out["server_cost"]["postgresql_cpu_ms_per_request"] = per_request(database_cpu["server"])
    for name, pid in workers.items():
        if pid:
            out[f"{name}_cost"] = {
                "cpu_seconds": round(worker_cpu[name], 2),
                "cpu_ms_per_request": per_request(worker_cpu[name]),
                "postgresql_cpu_ms_per_request": per_request(database_cpu[name]),
            }


def _summary(coaches, manager, setup, wall: float, cpu: float, pid) -> dict:
    browsers = [*coaches, *([manager] if manager else [])]
    out: dict[str, Any] = {
        "users": len(coaches),
        "caseload_size": setup["caseload"],
        "seconds": round(wall, 1),
        "mixed": manager is not None,
    }
    kinds = KINDS if manager else ("caseload", "state_change")
    for kind in kinds:
        out[kind] = latency([t for b in browsers for t in b.times[kind]])
    if pid:
        counted = sum(out[kind]["requests"] for kind in kinds)
        out["server_cost"] = server_cost(cpu, counted, wall, os.cpu_count() or 1)
    errors: dict[str, int] = {}
    for message in (e for b in browsers for e in b.errors):
        errors[message] = errors.get(message, 0) + 1
    out["errors"] = errors
    return out


def main() -> None:
    if sys.argv[1] == "setup":
        print(json.dumps(setup()))
    elif sys.argv[1] == "verify":
        print(json.dumps({"moved": verify(json.loads(Path(sys.argv[2]).read_text()))}))
    else:  # drive URL SETUP_JSON [--mixed] [--server-pid P] [--sealer-pid P] [--summary-pid P]
        #   [--chain]
        data = json.loads(Path(sys.argv[3]).read_text())
        watch_chain = "--chain" in sys.argv
        if watch_chain:  # before the load: the samples then cost one query each
            import django

            django.setup()
        found = drive(
            sys.argv[2],
            data,
            data["today"],
            mixed="--mixed" in sys.argv,
            server_pid=_pid_option("--server-pid"),
            sealer_pid=_pid_option("--sealer-pid"),
            summary_pid=_pid_option("--summary-pid"),
            watch_chain=watch_chain,
        )
        print(json.dumps(found))


def _pid_option(name: str) -> int | None:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else None


if __name__ == "__main__":
    main()

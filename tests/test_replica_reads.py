"""Reports read a real streaming replica (issue 15 item 3).

Runs in the PostgreSQL pass when DATABASE_REPLICA_URL names a standby of DATABASE_URL's
server (`.ci/start-replica.sh` makes one on 127.0.0.1:5433; the Makefile passes it when it
answers); skipped otherwise. The `replica` alias reads the primary's test database on the
standby (TEST MIRROR): physical replication copies it, so the tests commit (transactional)
and wait for the standby to replay. To see which server a page read, the standby's replay is
paused while a row is committed on the primary: the replica does not have it, the primary does.
"""

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from casework.indicators import fanout, periods, report, summary
from casework.models import SavedReport
from config import replica
from tests.casework.test_indicators_web import web_table
from tests.factories import UserFactory, unit

# Without a replica the alias does not exist (and Django refuses to name it): skipped.
ALIASES = [DEFAULT_DB_ALIAS, replica.ALIAS] if replica.configured() else [DEFAULT_DB_ALIAS]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not replica.configured(),
        reason="needs DATABASE_REPLICA_URL: a streaming replica (.ci/start-replica.sh)",
    ),
    pytest.mark.django_db(transaction=True, databases=ALIASES),
]
QUERY = {"kind": "tertial", "year": "2026", "tertial": "1"}
REPLAY_WAIT_SECONDS = 60  # a guard against a broken standby, not a timing assertion


def _value(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = _value(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        try:
            if _value(replica.ALIAS, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
                return
        except OperationalError:  # the test database's creation not replayed yet
            connections[replica.ALIAS].close()
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay up to {lsn} in {REPLAY_WAIT_SECONDS} s")
        time.sleep(0.05)


PAUSE_LOCK = 7_311_990_015  # one pause at a time, should tests run in parallel workers


@contextmanager
def replay_paused() -> Iterator[None]:
    """The standby stops replaying (for every database on it) until the block ends."""
    _value(DEFAULT_DB_ALIAS, "SELECT pg_advisory_lock(%s)", [PAUSE_LOCK])
    try:
        _value(replica.ALIAS, "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + REPLAY_WAIT_SECONDS
        while _value(replica.ALIAS, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not pause its replay in {REPLAY_WAIT_SECONDS} s")
            time.sleep(0.02)
        yield
    finally:
        _value(replica.ALIAS, "SELECT pg_wal_replay_resume()")
        _value(DEFAULT_DB_ALIAS, "SELECT pg_advisory_unlock(%s)", [PAUSE_LOCK])


@pytest.fixture
def standby(reseeded):
    assert _value(replica.ALIAS, "SELECT pg_is_in_recovery()") is True
    caught_up()
    yield
    connections[replica.ALIAS].close()


@pytest.fixture
def manager(standby):
    return UserFactory(username="chef", roles=["manager"], units=[unit()])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)  # no POST: nothing pins the client to the primary
    return client


def in_count(page: str) -> str:
    return web_table(page)["IN1"][3]  # the total column


def test_the_report_shows_a_committed_referral_only_once_the_replica_has_replayed_it(
    manager, refer
):
    refer()
    caught_up()
    client = client_for(manager)
    assert in_count(client.get(reverse("indicators:report"), QUERY).content.decode()) == "1"
    with replay_paused():
        refer(on=date(2026, 2, 3))  # committed on the primary
        primary = report.build(periods.tertial(2026, 1))  # outside a report: the primary
        assert primary["indicators"]["IN1"]["total"] == 2
        page = client.get(reverse("indicators:report"), QUERY).content.decode()
        assert in_count(page) == "1"
        assert "som ligger efter primärdatabasen" in page and "återstår att spela upp" in page
    caught_up()
    assert in_count(client.get(reverse("indicators:report"), QUERY).content.decode()) == "2"


@pytest.fixture
def report_threads(monkeypatch) -> dict[str, list]:
    """The queries that the report's own threads (casework.indicators.fanout) run, per
    alias: each thread has connections of its own, which the page's capture does not see."""
    seen: dict[str, list] = {replica.ALIAS: [], DEFAULT_DB_ALIAS: []}
    in_thread = fanout._in_thread

    def captured(context, task):
        def task_captured():
            with (
                CaptureQueriesContext(connections[replica.ALIAS]) as on_replica,
                CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
            ):
                result = task()
            seen[replica.ALIAS] += on_replica.captured_queries
            seen[DEFAULT_DB_ALIAS] += on_primary.captured_queries
            return result

        return in_thread(context, task_captured)

    monkeypatch.setattr(fanout, "_in_thread", captured)
    return seen


def test_the_report_and_its_exports_run_their_queries_on_the_replica(
    manager, refer, report_threads
):
    refer()
    caught_up()
    client = client_for(manager)
    for url in [reverse("indicators:report")] + [
        reverse("indicators:export", args=[fmt]) for fmt in ("csv", "xlsx", "json")
    ]:
        for seen in report_threads.values():
            seen.clear()
        with (
            CaptureQueriesContext(connections[replica.ALIAS]) as on_replica,
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        ):
            assert client.get(url, QUERY).status_code == 200
        on_replica = [*on_replica, *report_threads[replica.ALIAS]]
        on_primary = [*on_primary, *report_threads[DEFAULT_DB_ALIAS]]
        assert report_threads[replica.ALIAS], url  # the statements ran at once, on the replica
        assert any("casework_spell" in q["sql"] for q in on_replica), url
        assert not any("casework_spell" in q["sql"] for q in on_primary), url


def test_a_built_tertial_reads_its_summary_on_the_replica_marked_persons_included(
    manager, refer, report_threads
):
    """The summary (ADR 0112) is read where the report reads: on the replica, which cannot
    write, a person written after the build is derived in the report's statement."""
    refer()
    summary.build_all([periods.tertial(2026, 1)])
    summary.clean()
    refer(on=date(2026, 2, 3))  # marked by the triggers; no clean
    caught_up()
    with (
        CaptureQueriesContext(connections[replica.ALIAS]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        page = client_for(manager).get(reverse("indicators:report"), QUERY).content.decode()
    assert in_count(page) == "2"
    on_replica = [q["sql"] for q in [*on_replica, *report_threads[replica.ALIAS]]]
    on_primary = [q["sql"] for q in [*on_primary, *report_threads[DEFAULT_DB_ALIAS]]]
    assert any("casework_summarykind" in q for q in on_replica)
    assert not any("casework_summary" in q or "casework_spell" in q for q in on_primary)


def _writes(queries) -> list[str]:
    """The statements that write: by their verb, or a WITH whose statement inserts (the
    access-log row and its chain entry, audit.chain.insert_chained)."""
    verbs = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")
    found = [q["sql"].lstrip() for q in queries]
    return [
        sql
        for sql in found
        if sql.upper().startswith(verbs) or re.match(r"WITH .*\) INSERT ", sql, re.I)
    ]


def test_the_drill_down_reads_the_replica_and_logs_the_read_on_the_primary(standby, refer):
    refer()  # born 1990: IN4
    coordinator = UserFactory(username="samordnare2", roles=["coordinator"], units=[unit()])
    client = client_for(coordinator)
    caught_up()  # the person and the coordinator's unit: the scoping rule reads both there
    with (
        CaptureQueriesContext(connections[replica.ALIAS]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get(reverse("indicators:persons"), {**QUERY, "code": "IN4", "gender": ""})
    assert response.status_code == 200 and "1990****-****" in response.content.decode()
    assert any("casework_participant" in q["sql"] for q in on_replica)
    assert _writes(on_replica) == []
    assert any("audit_accesslog" in sql for sql in _writes(on_primary))
    logged = AccessLog.objects.using(DEFAULT_DB_ALIAS).get(action="indicators.persons")
    assert logged.person_count == 1


def test_the_auditors_access_log_page_reads_the_replica(standby):
    auditor = UserFactory(username="granskare", roles=["auditor"], units=[unit()])
    client = client_for(auditor)
    url = reverse("audit:access_log")
    client.get(url)  # each view logs one row: the auditor's own read
    caught_up()
    with replay_paused():
        client.get(url)  # row 2, on the primary only
        with CaptureQueriesContext(connections[replica.ALIAS]) as on_replica:
            page = client.get(url).content.decode()
        assert page.count("<tr") == 2  # the header and row 1
        assert AccessLog.objects.using(DEFAULT_DB_ALIAS).count() == 3
        assert any('FROM "audit_accesslog"' in q["sql"] for q in on_replica)
        assert _writes(on_replica) == []
    caught_up()
    assert client.get(url).content.decode().count("<tr") == 4  # the header and rows 1-3


def test_the_replica_refuses_writes_and_the_router_never_sends_one_there(standby):
    user = UserFactory(username="ingen", first_name="Före")
    caught_up()
    with pytest.raises(DatabaseError):
        User.objects.using(replica.ALIAS).filter(pk=user.pk).update(first_name="Fel")
    connections[replica.ALIAS].close()
    with replay_paused(), replica.reading() as where:
        assert where == replica.REPLICA
        read = User.objects.get(pk=user.pk)
        assert read._state.db == replica.ALIAS
        assert router.db_for_write(User, instance=read) == DEFAULT_DB_ALIAS
        read.first_name = "Efter"
        with CaptureQueriesContext(connections[replica.ALIAS]) as on_replica:
            read.save(update_fields=["first_name"])
        assert _writes(on_replica) == []
        assert User.objects.using(DEFAULT_DB_ALIAS).get(pk=user.pk).first_name == "Efter"
        assert User.objects.get(pk=user.pk).first_name == "Före"  # not replayed yet


def test_the_page_after_a_fastställ_reads_the_primary_for_a_few_seconds(manager, refer):
    refer()
    caught_up()
    client = client_for(manager)
    with replay_paused(), time_machine.travel(time.time(), tick=False) as traveller:
        response = client.post(reverse("indicators:save"), {**QUERY, "confirm": "1"})
        assert replica.PIN_COOKIE in response.cookies
        saved = client.get(response.url)
        assert saved.status_code == 200  # on the primary, where the new report is
        assert "eftersom du nyss gjorde en ändring" in saved.content.decode()
        assert SavedReport.objects.using(replica.ALIAS).count() == 0
        # The same page without the pin reads the replica, which has not replayed it yet.
        assert client_for(manager).get(response.url).status_code == 404
        traveller.shift(timedelta(seconds=settings.REPLICA_PIN_SECONDS + 1))
        assert client.get(response.url).status_code == 404  # the pin has run out
    caught_up()
    assert client_for(manager).get(response.url).status_code == 200  # replayed


def test_manage_py_indicators_reads_the_replica_unless_told_primary(standby, refer):
    refer()
    caught_up()

    def in1(*flags: str) -> int:
        out = StringIO()
        call_command("indicators", "--year", "2026", "--tertial", "1", *flags, stdout=out)
        return json.loads(out.getvalue())["indicators"]["IN1"]["total"]

    with replay_paused():
        refer(on=date(2026, 2, 3))
        assert (in1(), in1("--primary")) == (1, 2)
    caught_up()
    assert in1() == 2


def test_a_replica_that_does_not_answer_leaves_the_report_on_the_primary(
    manager, refer, monkeypatch
):
    refer()
    client = client_for(manager)
    connections[replica.ALIAS].close()
    monkeypatch.setitem(connections[replica.ALIAS].settings_dict, "PORT", "1")
    try:
        page = client.get(reverse("indicators:report"), QUERY).content.decode()
    finally:
        connections[replica.ALIAS].close()
    assert in_count(page) == "1"
    assert "Replikan svarar inte; rapporten läses från primärdatabasen." in page


def test_the_lag_is_measured_in_wal_not_yet_replayed(standby, refer):
    with replay_paused():
        refer()
        lag = replica.lag()
        assert lag is not None and lag.behind_bytes > 0 and not lag.caught_up


def test_who_the_reader_is_comes_from_the_primary_inside_a_report(standby):
    """A report reads a replica that may lag; the reader's roles and units do not. A unit
    joined and a role taken away while the standby has not replayed them count at once."""
    from programmes.models import Unit

    auditor = UserFactory(username="granskare3", roles=["auditor"], units=[unit()])
    other = Unit.objects.exclude(pk=unit().pk).order_by("code").first()
    client = client_for(auditor)
    url = reverse("audit:access_log")
    caught_up()
    with replay_paused():
        other.members.add(auditor)  # on the primary only
        assert client.get(url).status_code == 200
        row = AccessLog.objects.using(DEFAULT_DB_ALIAS).filter(user=auditor).latest("pk")
        assert other.code in row.unit_codes.split(",")
        auditor.groups.clear()  # the role taken away, on the primary only
        assert client.get(url).status_code == 404


def test_a_unit_taken_away_leaves_the_drill_down_at_once_on_a_lagging_replica(standby, refer):
    """The scoping rule reads the coordinator's units on the primary when the cases are
    read on the replica (`casework.selectors._membership`): a coordinator removed from the
    unit does not see its persons until the standby replays the removal."""
    refer()  # born 1990: IN4
    coordinator = UserFactory(username="samordnare4", roles=["coordinator"], units=[unit()])
    client = client_for(coordinator)
    args = {**QUERY, "code": "IN4", "gender": ""}
    caught_up()
    assert "1990****-****" in client.get(reverse("indicators:persons"), args).content.decode()
    with replay_paused():
        unit().members.remove(coordinator)  # on the primary only
        page = client.get(reverse("indicators:persons"), args)
        assert page.status_code == 200
        assert "1990****-****" not in page.content.decode()
        logged = AccessLog.objects.using(DEFAULT_DB_ALIAS).filter(user=coordinator).latest("pk")
        assert logged.participant_ids == []


def test_a_unit_taken_away_leaves_the_auditors_access_log_at_once(standby):
    auditor = UserFactory(username="granskare4", roles=["auditor"], units=[unit()])
    client = client_for(auditor)
    url = reverse("audit:access_log")
    client.get(url)  # one row of the auditor's unit
    caught_up()
    assert client.get(url).content.decode().count("<tr") == 2  # the header and that row
    with replay_paused():
        unit().members.remove(auditor)  # on the primary only
        page = client.get(url).content.decode()
        assert "Inga läsningar matchar filtret." in page  # none of the unit's rows

"""The sealer (issue 15 item 2; ADR 0109): rows are written without a global lock and
sealed into blocks after commit or by the worker; nothing committed is missed, whatever
order the writers commit in, and a busy sealer never makes anyone wait."""

import threading
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from audit import chain, sealer
from audit.models import AccessLog, ChainBlock, ChainEntry
from audit.services import log_read
from casework.models import Note
from casework.services import note_add
from tests.factories import UserFactory


def test_a_commit_queues_one_sealing_however_many_rows_it_wrote(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            log_read(user=coordinator, action="case.detail", participant_ids=[n])
    assert callbacks == [sealer._after_commit]
    block = ChainBlock.objects.get()
    assert block.count == 3 and not ChainEntry.objects.filter(block__isnull=True).exists()


def test_with_after_commit_sealing_off_the_worker_alone_seals(
    coordinator, django_capture_on_commit_callbacks, settings
):
    """A sealer service (`seal_audit --loop`) seals; the request's commit pays nothing."""
    settings.AUDIT_SEAL_AFTER_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        log_read(user=coordinator, action="case.detail", participant_ids=[1])
    assert callbacks == []
    assert ChainEntry.objects.filter(block__isnull=True).count() == 1
    sealer.loop(rounds=1)
    assert not ChainEntry.objects.filter(block__isnull=True).exists()
    assert chain.verify() is None


def test_a_rolled_back_write_leaves_nothing_to_seal(coordinator):
    with transaction.atomic():
        sid = transaction.savepoint()
        log_read(user=coordinator, action="case.detail", participant_ids=[1])
        transaction.savepoint_rollback(sid)
    assert sealer.seal_pending() == 0
    assert not ChainBlock.objects.exists()


def test_seal_audit_seals_what_waits_and_reports_it(coordinator, capsys):
    for n in range(2):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    call_command("seal_audit")
    assert "2 poster förseglade" in capsys.readouterr().out
    assert chain.status() == chain.Status(1, 2, 0, None)


def test_the_worker_loop_seals_each_round(coordinator):
    log_read(user=coordinator, action="case.detail", participant_ids=[1])
    sealer.loop(0, rounds=1)
    log_read(user=coordinator, action="case.detail", participant_ids=[2])
    sealer.loop(0, rounds=1)
    assert list(ChainBlock.objects.values_list("seq", "count")) == [(1, 1), (2, 1)]
    assert chain.verify() is None


def test_a_large_batch_is_sealed_in_blocks_of_at_most_block_max(coordinator, monkeypatch):
    monkeypatch.setattr(sealer, "BLOCK_MAX", 2)
    for n in range(5):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    assert sealer.seal_pending() == 5
    assert list(ChainBlock.objects.values_list("count", flat=True)) == [2, 2, 1]
    assert chain.verify() is None


def test_a_round_seals_what_waited_and_leaves_what_was_written_during_it(
    coordinator, monkeypatch, settings
):
    """Under a steady load something always waits: the round must still end, and the
    worker rest until the next (a sealer that chased every new entry never rested)."""
    settings.AUDIT_SEAL_AFTER_COMMIT = False
    for n in range(3):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    seal_block = sealer.seal_block

    def sealed_while_a_reader_writes(limit=None):
        block = seal_block(limit)
        log_read(user=coordinator, action="case.detail", participant_ids=[9])
        return block

    monkeypatch.setattr(sealer, "seal_block", sealed_while_a_reader_writes)
    assert sealer.seal_pending(max_blocks=10) == 3
    assert list(ChainBlock.objects.values_list("count", flat=True)) == [3]
    assert ChainEntry.objects.filter(block__isnull=True).count() == 1  # the next round's


def test_a_block_places_its_entries_in_id_order_across_update_chunks(
    coordinator, monkeypatch, settings
):
    settings.AUDIT_SEAL_AFTER_COMMIT = False
    monkeypatch.setattr(sealer, "PLACE_CHUNK", 3)
    for n in range(4):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    sealer.seal_pending()  # a block before, so this one's seqs do not start at 1
    for n in range(8):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    assert sealer.seal_pending() == 8
    block = ChainBlock.objects.order_by("seq").last()
    placed = list(ChainEntry.objects.filter(block=block).order_by("id").values_list("seq"))
    assert [seq for (seq,) in placed] == list(range(block.first_seq, block.last_seq + 1))
    assert chain.verify() is None


def test_status_reports_unsealed_entries_and_the_age_of_the_oldest(coordinator):
    log_read(user=coordinator, action="case.detail", participant_ids=[1])
    status = chain.status()
    assert status.unsealed == 1 and status.blocks == 0
    assert status.oldest_unsealed_seconds is not None and status.oldest_unsealed_seconds >= 0


def run_threads(target, n: int) -> list[Exception]:
    errors: list[Exception] = []
    start = threading.Barrier(n)

    def work(i):
        try:
            start.wait()
            target(i)
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseeded")
def test_fifty_concurrent_writers_lose_nothing_and_every_row_is_sealed(ready_case, coordinator):
    before = ChainEntry.objects.count()

    def write(i):
        log_read(user=coordinator, action="case.detail", participant_ids=[i + 1])
        note_add(case_id=ready_case.pk, text=f"Samtal {i}.", on=date(2026, 1, 5), by=coordinator)

    assert run_threads(write, 50) == []
    sealer.seal_pending()  # what after-commit runs found busy, as the worker would
    assert AccessLog.objects.count() == 50
    assert Note.objects.count() == 50
    assert ChainEntry.objects.count() == before + 100
    assert not ChainEntry.objects.filter(block__isnull=True).exists()
    seqs = list(ChainEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert chain.verify() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lower_id_committed_after_a_higher_one_is_sealed_in_a_later_block():
    user = UserFactory()
    written, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                log_read(user=user, action="case.detail", participant_ids=[1])
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    written.wait(10)
    fast = log_read(user=user, action="case.detail", participant_ids=[2])  # sealed on commit
    sealer.seal_pending()
    first = ChainBlock.objects.get()
    assert list(first.entries.values_list("object_id", flat=True)) == [fast.pk]
    release.set()
    slow.join()
    sealer.seal_pending()
    late = AccessLog.objects.exclude(pk=fast.pk).get()
    assert late.pk < fast.pk
    assert ChainEntry.objects.get(kind="audit.accesslog", object_id=late.pk).block.seq == 2
    assert chain.verify() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_sealer_is_skipped_not_waited_for():
    user = UserFactory()
    holding, release = threading.Event(), threading.Event()

    def other_sealer():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [sealer.LOCK_KEY])
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_sealer)
    holder.start()
    holding.wait(10)
    log_read(user=user, action="case.detail", participant_ids=[1])  # its after-commit skips
    assert sealer.seal_block() is None
    assert ChainEntry.objects.filter(block__isnull=True).count() == 1
    release.set()
    holder.join()
    assert sealer.seal_pending() == 1
    assert chain.verify() is None


def _poll_buffers() -> int:
    """Shared buffers the sealer's poll reads, in the planner's own choice of plan."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT id, hash FROM audit_chainentry"
            " WHERE block_id IS NULL ORDER BY id LIMIT 5000"
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sealers_poll_does_not_revisit_what_it_sealed(settings):
    """Sealed entries' old versions stay in the unsealed index until vacuum; the sealer's
    own index scan marks them, so no poll after it reads them again."""
    settings.AUDIT_SEAL_AFTER_COMMIT = False
    user = UserFactory()
    with connection.cursor() as cursor:  # as between two autovacuum runs
        cursor.execute("ALTER TABLE audit_chainentry SET (autovacuum_enabled = off)")
    try:
        for n in range(1500):
            log_read(user=user, action="case.detail", participant_ids=[n])
        assert sealer.seal_pending() == 1500
        # The next polls, which find nothing. A version is marked once no snapshot can
        # see it. A standby with hot_standby_feedback (.ci/start-replica.sh) holds the
        # primary's horizon until it reports a newer one, which needs the primary to do
        # other work meanwhile, as a busy primary does: here, a transaction id.
        for _ in range(300):
            sealer.seal_pending()
            if (buffers := _poll_buffers()) < 10:
                break
            with connection.cursor() as cursor:
                cursor.execute("SELECT txid_current()")
            time.sleep(0.1)
        assert buffers < 10
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_chainentry RESET (autovacuum_enabled)")
